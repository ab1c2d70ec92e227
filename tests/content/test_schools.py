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


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ma,ten\nA,B\n", "cột 'code'"),
        ("code,name\nC D,Tên\n", "Dòng 2"),
        ("code,name\nAB,\n", "thiếu tên"),
        ("code,name\nAB,X\nAB,Y\n", "bị lặp"),
        ("code,name,enrolment\nAB,X,nhiều\n", "sĩ số"),
    ],
)
def test_bad_files_name_the_problem(text, fragment):
    with pytest.raises(SchoolFileError, match=fragment):
        parse_schools_csv(text)
