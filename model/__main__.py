"""`python -m model`: migrate the database and fill the demo on first start (prints logins).

Subcommands: `retention [--dry-run]` runs the deletion by retention periods now;
`backup PATH` writes an online backup of the SQLite database; `restore PATH [--force]` writes a
backup back into it (stop the app first) and checks it table by table; `setup-postgres-roles`
(as a PostgreSQL superuser) creates the owner role that migrates and the app role that only uses;
`serve --processes N --port P` runs N app processes behind nginx on PostgreSQL (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from model import backup, erasures, i18n, pg_roles, retention, serving
from model.db import database_url, make_engine, migrate
from model.errors import UserError
from model.setup import prepare, retention_summary
from model.tables import utcnow


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m model", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("retention", help="delete what is past its retention period now")
    run.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")
    save = commands.add_parser("backup", help="online backup of the SQLite database to PATH")
    save.add_argument("path")
    load = commands.add_parser("restore", help="restore the SQLite database from the backup PATH")
    load.add_argument("path")
    load.add_argument("--force", action="store_true", help="overwrite a database holding data")
    roles = commands.add_parser("setup-postgres-roles",
                                help="as a superuser: an owner role for migrations, an app role "
                                     "without DDL and without changing the audit log")
    roles.add_argument("--owner", default="jobtavlen_owner")
    roles.add_argument("--app", default="jobtavlen_app")
    roles.add_argument("--owner-password-env", metavar="VAR",
                       help="read the owner role's password from this environment variable")
    roles.add_argument("--app-password-env", metavar="VAR",
                       help="read the app role's password from this environment variable")
    serve = commands.add_parser("serve", help="several app processes behind nginx, on the "
                                              "PostgreSQL database of DATABASE_URL")
    serve.add_argument("--processes", type=int, default=2, help="app processes (default 2)")
    serve.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="nginx's address (default 127.0.0.1; 0.0.0.0 for every interface)")
    serve.add_argument("--app-port", type=int, default=serving.FIRST_APP_PORT,
                       help="the first app process's port on 127.0.0.1; the others follow it")
    serve.add_argument("--run-dir", type=Path,
                       help="folder for nginx's configuration, pid and logs and the processes' "
                            "logs (default: a new temporary folder)")
    serve.add_argument("--nginx-template", type=Path, default=serving.TEMPLATE,
                       help="nginx configuration with @LISTEN@ and @SERVERS@ "
                            "(default docs/deploy/nginx.conf)")
    return parser


def _print_tables(report: backup.CopyReport, key: str, lang: str) -> None:
    for count in report.tables:
        print(i18n.t(key, lang, table=count.table, source=count.source, target=count.target,
                     mark="" if count.equal else "  <-- !"))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    lang = i18n.default_language()
    try:
        if args.command is None:
            prepare(make_engine())
        elif args.command == "retention":
            engine = make_engine()
            migrate(engine)
            now = utcnow()
            if args.dry_run:
                due = retention.due_counts(engine, now)
                print(i18n.t("privacy.cli_retention_dry", lang, citizens=due["citizen"],
                             contacts=due["company_contact"], logs=due["audit_log"]))
            else:
                print(retention_summary(retention.run(engine, now=now)))
        elif args.command == "setup-postgres-roles":
            engine = make_engine()
            if engine.dialect.name != "postgresql":
                raise UserError("error.pg_roles_postgresql_only")
            pg_roles.setup_roles(
                engine, owner=args.owner, app=args.app,
                owner_password=os.environ.get(args.owner_password_env or "", "") or None,
                app_password=os.environ.get(args.app_password_env or "", "") or None)
            print(i18n.t("privacy.cli_pg_roles_done", lang, owner=args.owner, app=args.app))
        elif args.command == "serve":
            serving.serve(database_url=database_url(), processes=args.processes, port=args.port,
                          first_app_port=args.app_port, host=args.host, run_dir=args.run_dir,
                          template=args.nginx_template)
        elif args.command == "backup":
            report = backup.backup_sqlite(database_url(), args.path)
            print(i18n.t("privacy.cli_backup_done", lang, path=report.path, check=report.check))
            _print_tables(report, "privacy.cli_backup_line", lang)
            return 0 if report.ok else 1
        else:
            report = backup.restore_sqlite(args.path, database_url(), force=args.force)
            key = "privacy.cli_restore_done" if report.ok else "privacy.cli_restore_failed"
            print(i18n.t(key, lang, path=args.path, check=report.check))
            _print_tables(report, "privacy.cli_table_line", lang)
            if report.ok:
                engine = make_engine()
                migrate(engine)
                if back := erasures.reapply(engine):
                    print(i18n.t("privacy.cli_erasures_reapplied", lang, n=len(back)))
            return 0 if report.ok else 1
    except UserError as error:
        print(i18n.t(error.key, lang, **error.params), file=sys.stderr)
        return 2
    except serving.ServeError as error:
        print(f"Jobtavlen: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
