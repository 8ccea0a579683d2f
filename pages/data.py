"""Data: import from CSV and Excel with a dry run; export of every list to CSV and Excel."""


import pandas as pd
import streamlit as st

from model import access, clock, exporting, i18n, import_worker, importing
from model.errors import UserError
from model.tables import PLACEMENT_KINDS
from pages import ui

actor = ui.guard("data")
engine, lang = ui.engine(), ui.lang()
t = ui.translator(lang)

LIST_KEYS = {
    "citizens": "data.list_citizens",
    "companies": "data.list_companies",
    "placements": "data.list_placements",
    "contacts": "data.list_contacts",
    "follow_ups": "data.list_follow_ups",
    "sprint_cards": "data.list_sprint_cards",
    "comparison_groups": "results.import_comparison_groups",
    "staff": "data.list_staff",
    "initiatives": "data.list_initiatives",
}
HINTS = {"staff": "data.staff_hint", "initiatives": "data.initiatives_hint"}
# Files with at least this many rows show a progress bar while they are checked and written.
PROGRESS_FROM_ROWS = 200
PREVIEW_ROWS = 500
# Columns of numbers that are names, not amounts: no thousands mark.
PLAIN_COLUMNS = ("id", "birth_year", "cvr", "placement_id")
IMPORT_MB = importing.MAX_IMPORT_BYTES // 1024 // 1024
# The browser refuses a file over the uploader's limit with its own English note, unseen by the
# page; up to twice the import's limit, a file reaches the page and gets the message in Danish.
UPLOAD_LIMIT_MB = 2 * IMPORT_MB


def list_label(name: str) -> str:
    # The language of this run, bound here: a widget's format_func may be called outside it.
    return i18n.t(LIST_KEYS[name], lang)


def progress_bar(rows: int, text_key: str):
    """A progress bar and its callback for large files; (None, None) for small ones."""
    if rows < PROGRESS_FROM_ROWS:
        return None, None
    bar = st.progress(0.0, text=t(text_key, done=0, total=rows, percent=0))

    def update(done: int, total: int) -> None:
        bar.progress(min(1.0, done / total),
                     text=t(text_key, done=min(done, rows), total=rows, percent=round(100 * done / total)))

    return bar, update


def plain_numbers(frame: pd.DataFrame) -> dict:
    """Ids and years shown as plain digits (1985, not 1.985) in a table."""
    headers = {i18n.t(exporting.COLUMN_KEYS[column], lang) for column in PLAIN_COLUMNS}
    return {column: st.column_config.NumberColumn(format="%d") for column in frame.columns
            if column in headers and pd.api.types.is_numeric_dtype(frame[column])}


def show_report(report: importing.ImportReport) -> None:
    """The dry run: counts, unknown columns, every duplicate with its reason, and every bad row
    with its column and reason."""
    good, duplicates, bad = st.columns(3)
    good.metric(t("data.rows_ok"), report.rows_ok)
    duplicates.metric(t("data.duplicates"), len(report.duplicates))
    bad.metric(t("data.rows_bad"), report.bad_rows)
    if report.ignored_columns:
        st.warning(t("data.ignored_columns", columns=", ".join(report.ignored_columns)))
    if not report.duplicates.empty:
        show_duplicates(report)
    if report.can_commit:
        if report.skipped_rows:
            st.success(t("data.ok_skipping", ok=report.rows_ok, skipped=report.skipped_rows))
        else:
            st.success(t("data.all_ok", total=report.rows_ok) if report.rows_ok > 1
                       else t("data.all_ok_one"))
        return
    if report.errors.empty:
        st.info(t("data.only_duplicates"))
        return
    if (report.errors["row"] == importing.HEADER_ROW).any():
        st.error(t("data.header_bad"))
    else:
        st.error(t("data.some_bad", bad=report.bad_rows, total=report.total_rows))
    ui.table(
        pd.DataFrame({
            t("data.error_row"): report.errors["row"],
            t("data.error_column"): report.errors["column"],
            t("data.error_reason"): [t(key, **params) for key, params
                                     in zip(report.errors["key"], report.errors["params"])],
        }),
        key="import_errors", lang=lang,
        column_config={t("data.error_row"): st.column_config.NumberColumn(width="small", format="%d"),
                       t("data.error_column"): st.column_config.TextColumn(width="medium"),
                       t("data.error_reason"): st.column_config.TextColumn(width="large")},
    )


def show_duplicates(report: importing.ImportReport) -> None:
    """Each duplicate row with why: the same as an earlier row, or already there."""
    count = len(report.duplicates)
    if report.skip_duplicates:
        st.warning(t("data.duplicates_skipped", count=count) if count > 1
                   else t("data.duplicates_skipped_one"))
    else:
        st.warning(t("data.duplicates_kept", count=count) if count > 1
                   else t("data.duplicates_kept_one"))
    ui.table(
        pd.DataFrame({
            t("data.error_row"): report.duplicates["row"],
            t("data.duplicate_reason"): [t(key, **params) for key, params
                                         in zip(report.duplicates["key"], report.duplicates["params"])],
        }),
        key="import_duplicates", lang=lang,
        column_config={t("data.error_row"): st.column_config.NumberColumn(width="small", format="%d"),
                       t("data.duplicate_reason"): st.column_config.TextColumn(width="large")},
    )


def check_progress():
    """The callback for a job in the import worker: the file being read, then the rows checked (a
    bar for files of PROGRESS_FROM_ROWS rows or more)."""
    slot = st.empty()

    def update(done: int, total: int) -> None:
        if total == import_worker.READING:
            slot.progress(0.0, text=t("data.reading"))
        elif total >= PROGRESS_FROM_ROWS:
            slot.progress(min(1.0, done / total), text=t("data.checking", done=min(done, total),
                                                         total=total, percent=round(100 * done / total)))

    return slot, update


def checked_upload(upload, kind: str, create_teams: bool,
                   skip_duplicates: bool) -> tuple[pd.DataFrame, importing.ImportReport] | None:
    """The upload read and dry-run in the import worker (model/import_worker.py), so the server
    stays free for the other users meanwhile. The file is read once per upload, and checked once
    for each choice of kind and options, not on every rerun; a job the page was waiting for when
    it reran is waited for again, not begun anew. None, with the reason shown, when the file is
    refused, has no rows, or cannot be checked."""
    table = st.session_state.get("import_table")  # (file id, table read, the file's refusal)
    if table is not None and table[0] != upload.file_id:
        table = None
    if table is not None and table[2] is not None:
        ui.show_error(table[2])
        return None
    if table is not None and table[1].empty:
        st.info(t("data.no_rows"))
        return None
    checked_for = (kind, upload.file_id, lang, create_teams, skip_duplicates)
    cached = st.session_state.get("import_report")
    if table is not None and cached is not None and cached[0] == checked_for:
        return table[1], cached[1]
    job = st.session_state.get("import_job")
    if job is None or job[0] != checked_for:
        if job is not None:
            job[1].cancel()
        options = {"create_teams": create_teams, "skip_duplicates": skip_duplicates}
        job = (checked_for, import_worker.start(engine, actor, kind, **options, **(
            {"frame": table[1]} if table is not None
            else {"data": upload.getvalue(), "filename": upload.name})))
        st.session_state["import_job"] = job
    slot, update = check_progress()
    outcome = job[1].wait(progress=update)
    slot.empty()
    st.session_state.pop("import_job", None)
    if outcome.read:
        error = outcome.error if outcome.frame is None else None
        st.session_state["import_table"] = table = (upload.file_id, outcome.frame, error)
        if error is not None:
            ui.show_error(error)
            return None
        if outcome.frame.empty:
            st.info(t("data.no_rows"))
            return None
    if outcome.error is not None:
        ui.show_error(outcome.error)
        return None
    st.session_state["import_report"] = (checked_for, outcome.report)
    return table[1], outcome.report


def import_section() -> None:
    import_worker.warm_up(engine)  # the process that reads uploads, ready before a file is chosen
    st.caption(t("data.import_intro"))
    kinds = [kind for kind in importing.KINDS if importing.may_import(actor, kind)]
    kind = st.radio(t("data.import_kind"), kinds, horizontal=True, key="import_kind",
                    format_func=list_label)
    columns = ", ".join(column.header(lang) + ("*" if column.required else "")
                        for column in importing.COLUMNS[kind])
    st.caption(t("data.columns", columns=columns))
    if kind == "placements":
        kinds = ", ".join(str(exporting.label(k, exporting.CODE_KEYS["kind"], lang)).lower()
                          for k in PLACEMENT_KINDS)
        st.caption(t("data.placements_hint", kinds=kinds))
    if kind in HINTS:
        st.caption(t(HINTS[kind]))
    st.caption(t("data.formats"))
    template = importing.template(kind)  # Danish headers, whatever the UI language
    name = t("data.template_name", what=importing.code(list_label(kind)))
    left, right = st.columns(2)
    # The files are made when clicked, not on every rerun of the page.
    left.download_button(t("data.template_csv"), lambda: exporting.to_csv_bytes(template),
                         file_name=f"{name}.csv", mime="text/csv", key=f"template_{kind}_csv",
                         icon=":material/download:", on_click="ignore")
    sheet = list_label(kind)
    right.download_button(t("data.template_xlsx"), lambda: exporting.to_excel_bytes({sheet: template}),
                          file_name=f"{name}.xlsx", key=f"template_{kind}_xlsx",
                          icon=":material/download:", on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    st.caption(t("data.upload_limits", size=IMPORT_MB,
                 rows=i18n.format_number(importing.MAX_IMPORT_ROWS, lang)))
    # A new key after each import empties the uploader, so the same file is not imported twice.
    upload = st.file_uploader(
        t("data.upload"), type=list(importing.FILE_TYPES),
        key=f"import_file_{st.session_state.setdefault('import_round', 0)}",
        max_upload_size=UPLOAD_LIMIT_MB, help=t("data.upload_help", limit=IMPORT_MB))
    create_teams = kind == "staff" and access.can(actor, "team.edit") and st.checkbox(
        t("data.create_teams"), key="import_create_teams", help=t("data.create_teams_help"))
    skip_duplicates = st.checkbox(t("data.skip_duplicates"), value=True, key="import_skip_duplicates",
                                  help=t("data.skip_duplicates_help"))
    if upload is None:
        st.session_state.pop("import_table", None)
        st.session_state.pop("import_report", None)
        if (job := st.session_state.pop("import_job", None)) is not None:
            job[1].cancel()
        return
    checked = checked_upload(upload, kind, create_teams, skip_duplicates)
    if checked is None:
        return
    frame, report = checked
    show_report(report)

    refusal = None if report.can_commit else (
        t("data.commit_disabled") if report.bad_rows else t("data.commit_only_duplicates"))
    if st.button(t("data.commit"), type="primary", key="import_commit", icon=":material/upload:",
                 disabled=not report.can_commit, help=refusal):
        bar, update = progress_bar(len(frame), "data.writing")
        try:
            count = importing.commit_import(engine, actor, kind, frame, progress=update,
                                            create_teams=create_teams,
                                            skip_duplicates=skip_duplicates)
        except UserError as error:
            if bar is not None:
                bar.empty()
            ui.show_error(error)
            return
        what = list_label(kind).lower()
        flash = t("data.imported", count=count, what=what) if count > 1 \
            else t("data.imported_one", what=what)
        if report.skipped_rows:
            flash += " " + (t("data.imported_skipped", skipped=report.skipped_rows)
                            if report.skipped_rows > 1 else t("data.imported_skipped_one"))
        st.session_state["data_flash"] = flash
        st.session_state["import_round"] += 1
        st.session_state.pop("import_report", None)
        st.session_state.pop("import_table", None)
        st.rerun()


def export_section() -> None:
    st.caption(t("data.export_intro"))
    name = ui.selectbox(t("data.export_list"), list(exporting.EXPORTS), index=None, key="export_list",
                        placeholder=t("data.export_choose"), format_func=list_label)
    if name is None:
        return
    # A preview of the first rows; the file is read in full only when it is downloaded.
    frame, more = exporting.export_preview(engine, actor, name, lang=lang, limit=PREVIEW_ROWS)
    if more:
        st.caption(t("data.export_rows_first", count=i18n.format_number(PREVIEW_ROWS, lang)))
    else:
        st.caption(t("data.export_rows", count=len(frame)) if len(frame) != 1
                   else t("data.export_rows_one"))
    if frame.empty:
        st.info(t("data.export_empty"))
        return
    ui.table(frame, key="export_preview", lang=lang, column_config=plain_numbers(frame))
    file_name = f"{importing.code(list_label(name))}-{i18n.format_date(clock.today())}"
    ui.download_buttons(lambda: exporting.export_list(engine, actor, name, lang=lang), file_name,
                        key="export")


st.title(t("nav.data"))
if message := st.session_state.pop("data_flash", None):
    st.success(message)

if access.can(actor, "data.import"):
    import_tab, export_tab = st.tabs([t("data.import_title"), t("data.export_title")])
    with import_tab:
        import_section()
else:
    st.caption(t("data.import_leaders_only"))
    export_tab = st.container()
with export_tab:
    export_section()
