"""Opening the campaign database: engine, migrations, and the province's schools on first use."""

from __future__ import annotations

import sys

import sqlalchemy as sa
from sqlmodel import select

from content.schools import builtin_schools
from storage import repo
from storage.db import make_engine, one_at_a_time, session_scope, upgrade
from storage.models import School


def open_database(url: str, *, announce: bool = False) -> sa.Engine:
    """An engine on an up-to-date schema; an empty school list gets the built-in one.

    `announce`: say on stderr which database this is (its password hidden), as every command
    does at start: two commands on two databases would otherwise disagree without a word.
    """
    try:
        engine = make_engine(url)
        upgrade(engine)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as error:
        raise SystemExit(f"Cấu hình sai: DATABASE_URL: không hiểu địa chỉ này ({error})") from None
    except sa.exc.OperationalError as error:
        reason = " ".join(str(error.orig).split())  # drivers answer on several lines
        raise SystemExit(f"Cấu hình sai: DATABASE_URL: không mở được cơ sở dữ liệu ({reason})") from None
    with session_scope(engine) as session:
        one_at_a_time(session.connection())
        if session.exec(select(School.id).limit(1)).first() is None:
            rows = [(row.code, row.name, row.enrolment) for row in builtin_schools()]
            repo.import_schools(session=session, rows=rows)
    if announce:
        print(f"Cơ sở dữ liệu: {engine.url.render_as_string(hide_password=True)}", file=sys.stderr)
    return engine
