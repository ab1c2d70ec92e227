import pytest

from content.schools import SchoolFileError, builtin_schools, parse_schools_csv


def test_builtin_list_has_the_college_and_nine_centres():
    schools = builtin_schools()
    assert len(schools) == 10
    assert schools[0].name == "Trường Cao đẳng Cao Bằng"
    assert sum(s.name.startswith("Trung tâm GDNN-GDTX") for s in schools) == 9


def test_parse_with_enrolment_and_bom():
    rows = parse_schools_csv("\ufeffcode,name,enrolment\ncdcb,Trường Cao đẳng Cao Bằng,1200\nNEW,Trường mới,\n")
    assert rows[0].code == "CDCB" and rows[0].enrolment == 1200 and rows[1].enrolment is None


def test_parse_telegram_channels():
    rows = parse_schools_csv("code,name,telegram_channel\nAB,X,https://t.me/tintot_ab\nCD,Y,-1001234567890\nEF,Z,\n")
    assert [row.telegram_channel for row in rows] == ["@tintot_ab", "-1001234567890", None]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ma,ten\nA,B\n", "cột 'code'"),
        ("code,name\nC D,Tên\n", "Dòng 2"),
        ("code,name\nAB,\n", "thiếu tên"),
        ("code,name\nAB,X\nAB,Y\n", "bị lặp"),
        ("code,name,enrolment\nAB,X,nhiều\n", "sĩ số"),
        ("code,name,telegram_channel\nAB,X,t.me/joinchat/abc\n", "kênh Telegram"),
    ],
)
def test_bad_files_name_the_problem(text, fragment):
    with pytest.raises(SchoolFileError, match=fragment):
        parse_schools_csv(text)
