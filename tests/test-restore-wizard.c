/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>

#include "tw-backup-private.h"
#include "tw-backup-ui-test.h"
#include "tw-backups-page-private.h"
#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"
#include "tw-restore-wizard.h"
#include "tw-restore-wizard-private.h"

static TwApplication *app;

typedef struct
{
  TwBackupsPage *page;
  const char    *db_id;
  guint          n;
} CountWait;

static gboolean
has_at_least (gpointer user_data)
{
  CountWait *wait = user_data;

  return !tw_backups_page_is_busy (wait->page)
    && tw_backups_page_get_n_backups (wait->page, wait->db_id) >= wait->n;
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
wizard_can_next (gpointer user_data)
{
  TwRestoreWizard *wizard = user_data;

  return !tw_restore_wizard_is_busy (wizard) && tw_restore_wizard_get_can_next (wizard);
}

static gboolean
wizard_idle (gpointer user_data)
{
  return !tw_restore_wizard_is_busy (TW_RESTORE_WIZARD (user_data));
}

static gboolean
wizard_finished (gpointer user_data)
{
  return tw_restore_wizard_get_step (TW_RESTORE_WIZARD (user_data)) == TW_RESTORE_STEP_RESULT
    && !tw_restore_wizard_is_busy (TW_RESTORE_WIZARD (user_data));
}

typedef struct
{
  const char *path;
  gint64      rows;
} RowsWait;

static gboolean
more_rows (gpointer user_data)
{
  RowsWait *wait = user_data;

  return tw_test_count_rows (wait->path, "trades") > wait->rows;
}

static gboolean
states_known (gpointer user_data)
{
  GListModel *states = tw_risk_monitor_get_states (tw_application_get_risk_monitor (app));

  for (guint i = 0; i < g_list_model_get_n_items (states); i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);

      /* Not AI trading's: it never reports a state (001). */
      if (tw_trading_state_get_can_halt (state) && tw_trading_state_get_mode (state) == TW_TRADING_UNKNOWN
          && !tw_trading_state_is_halted (state) && tw_trading_state_get_reported (state))
        return FALSE;
    }
  return g_list_model_get_n_items (states) > 0;
}

static guint
count_requests (TwSimThread *sim,
                const char  *flavor,
                const char  *method,
                const char  *path)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "flavor"), flavor) == 0
          && g_strcmp0 (json_object_get_string_member (entry, "method"), method) == 0
          && g_strcmp0 (json_object_get_string_member (entry, "path"), path) == 0)
        n++;
    }
  return n;
}

static guint
count_audit (const char *action,
             int         outcome)
{
  g_autoptr(GError) error = NULL;
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = NULL;

  filter.action = action;
  filter.outcome = outcome;
  rows = tw_audit_log_query (tw_application_get_audit_log (app), &filter, NULL, &error);
  g_assert_no_error (error);
  return g_list_model_get_n_items (rows);
}

/* The newest outcome row of @action on @target. (transfer full) */
static TwAuditRecord *
last_audit (const char *action,
            const char *target)
{
  g_autoptr(GError) error = NULL;
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = NULL;

  filter.action = action;
  rows = tw_audit_log_query (tw_application_get_audit_log (app), &filter, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwAuditRecord) record = g_list_model_get_item (rows, i);

      if (g_strcmp0 (tw_audit_record_get_target (record), target) == 0
          && tw_audit_record_get_outcome (record) != TW_AUDIT_OUTCOME_REQUESTED)
        return g_steal_pointer (&record);
    }
  return NULL;
}

typedef struct
{
  TwSimThread     *sim;
  TwRestoreWizard *wizard;
} ResumeWait;

/* The simulator's InvestIQ got the resume (a second trading-halt POST) and answered it. */
static gboolean
investiq_resumed (gpointer user_data)
{
  ResumeWait *wait = user_data;
  g_autoptr(TwAuditRecord) record = last_audit ("trading.resume", "investiq");

  return count_requests (wait->sim, "investiq", "POST", "/api/risk/trading-halt") == 2
    && record != NULL
    && g_str_has_prefix (tw_restore_wizard_get_last_message (wait->wizard), "Resumed");
}

static void
test_restore_wizard (void)
{
  BackupDemo demo = { 0, };
  CountWait count;
  RowsWait rows;
  TwRestoreWizard *wizard;
  g_autofree char *backup_path = NULL;
  g_autofree char *check = NULL;
  const char *db_path;
  gint64 backup_trades;
  GtkWidget *dialog;
  GPtrArray *checklist;
  guint n_resume_ok;
  ResumeWait resumed = { NULL, };
  g_autoptr(TwAuditRecord) audited = NULL;

  backup_demo_open (&demo, app);
  db_path = backup_demo_db_path (&demo, "investiq");

  /* The scheduled backup at start is the one to go back to; the firm keeps trading after it. */
  count.page = demo.page;
  count.db_id = "investiq";
  count.n = 1;
  g_assert_true (tw_test_ui_wait_for (has_at_least, &count, 20000));
  backup_path = g_strdup (tw_backup_get_path (tw_backups_page_get_backup (demo.page, "investiq", 0)));
  backup_trades = tw_test_count_rows (backup_path, "trades");
  g_assert_cmpint (backup_trades, >, 0);
  rows.path = db_path;
  rows.rows = backup_trades + 2;
  g_assert_true (tw_test_ui_wait_for (more_rows, &rows, 15000));
  /* A table the backup does not have, big enough that the restore takes a visible moment. */
  g_free (tw_test_sqlite3 (db_path, "CREATE TABLE padding (b BLOB); "
                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120) "
                           "INSERT INTO padding SELECT randomblob(1048576) FROM n;"));

  /* Restore… on the backup's row opens the wizard on step 2, that backup chosen. */
  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.restore", "s", backup_path);
  wizard = TW_RESTORE_WIZARD (tw_backups_page_get_open_dialog (demo.page));
  g_assert_true (TW_IS_RESTORE_WIZARD (wizard));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (wizard)));
  gtk_window_set_default_size (GTK_WINDOW (wizard), 760, 720);
  g_assert_cmpint (tw_restore_wizard_get_step (wizard), ==, TW_RESTORE_STEP_BACKUP);

  /* Step 1, reached with Back: the databases, the preselected one chosen. */
  g_assert_true (tw_test_ui_wait_for (wizard_idle, wizard, 15000));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL);
  g_assert_cmpint (tw_restore_wizard_get_step (wizard), ==, TW_RESTORE_STEP_DATABASE);
  g_assert_true (tw_restore_wizard_get_can_next (wizard));
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-1-database");
  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (wizard)), >, 0);

  /* Step 2: verified on opening; rows now against the backup. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpint (tw_restore_wizard_get_step (wizard), ==, TW_RESTORE_STEP_BACKUP);
  g_assert_true (tw_test_ui_wait_for (wizard_can_next, wizard, 15000));
  g_assert_nonnull (tw_restore_wizard_get_comparison (wizard));
  g_assert_nonnull (strstr (tw_restore_wizard_get_comparison (wizard), "trades: "));
  g_assert_nonnull (strstr (tw_restore_wizard_get_comparison (wizard), "(−"));
  g_assert_nonnull (strstr (tw_restore_wizard_get_comparison (wizard),
                            "padding: 120 now, not in the backup (−120)"));
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-2-backup");

  /* Step 3: Next stays off until trading is halted; Halt All reaches the simulator. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpint (tw_restore_wizard_get_step (wizard), ==, TW_RESTORE_STEP_SAFETY);
  g_assert_true (tw_test_ui_wait_for (states_known, NULL, 15000));
  g_assert_false (tw_restore_wizard_get_can_next (wizard));
  g_assert_nonnull (strstr (tw_restore_wizard_get_safety_text (wizard), "halt all before restoring"));
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-3-safety");
  g_assert_cmpuint (count_requests (demo.sim, "investiq", "POST", "/api/risk/trading-halt"), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.halt-all", NULL);
  g_assert_true (tw_test_ui_wait_for (wizard_can_next, wizard, 20000));
  g_assert_cmpuint (count_requests (demo.sim, "investiq", "POST", "/api/risk/trading-halt"), ==, 1);
  g_assert_nonnull (strstr (tw_restore_wizard_get_safety_text (wizard), "halted"));
  {
    /* HALTED in the same colour as on Breakers (red), not green. */
    GtkWidget *halted = find_label (GTK_WIDGET (wizard), "HALTED");

    g_assert_nonnull (halted);
    g_assert_true (gtk_widget_has_css_class (halted, "error"));
    g_assert_false (gtk_widget_has_css_class (halted, "success"));
  }
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-3-safety-halted");

  /* Step 4: the typed file name and a reason, checked by the guard. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpint (tw_restore_wizard_get_step (wizard), ==, TW_RESTORE_STEP_CONFIRM);
  g_assert_false (tw_restore_wizard_get_can_restore (wizard));
  tw_restore_wizard_set_typed_name (wizard, "investiq");
  tw_restore_wizard_set_reason (wizard, "bad deploy wrote wrong trades");
  g_assert_false (tw_restore_wizard_get_can_restore (wizard));
  tw_restore_wizard_set_typed_name (wizard, "investiq.db");
  tw_restore_wizard_set_reason (wizard, "too short");
  g_assert_false (tw_restore_wizard_get_can_restore (wizard));
  tw_restore_wizard_set_reason (wizard, "bad deploy wrote wrong trades");
  g_assert_true (tw_restore_wizard_get_can_restore (wizard));
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-4-confirm");

  /* Step 5: the window refuses to close while the restore runs. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.restore", NULL);
  g_assert_cmpint (tw_restore_wizard_get_step (wizard), ==, TW_RESTORE_STEP_PROGRESS);
  g_assert_true (tw_restore_wizard_is_busy (wizard));
  g_assert_cmpstr (tw_restore_wizard_get_step_state (wizard, TW_BACKUP_STEP_PREFLIGHT), ==, "running");
  gtk_window_close (GTK_WINDOW (wizard));
  g_assert_true (TW_IS_RESTORE_WIZARD (tw_backups_page_get_open_dialog (demo.page)));
  g_assert_nonnull (strstr (tw_restore_wizard_get_last_message (wizard), "cannot be interrupted"));
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-5-progress");

  /* Step 6: restored; the sqlite3 tool says ok and the rows are the backup's. */
  g_assert_true (tw_test_ui_wait_for (wizard_finished, wizard, 30000));
  g_assert_true (tw_restore_wizard_get_succeeded (wizard));
  for (TwBackupStep step = TW_BACKUP_STEP_PREFLIGHT; step <= TW_BACKUP_STEP_POST_VERIFY; step++)
    g_assert_cmpstr (tw_restore_wizard_get_step_state (wizard, step), ==, "done");
  g_assert_nonnull (strstr (tw_restore_wizard_get_result_text (wizard), "integrity check ok"));
  g_assert_cmpstr (tw_restore_wizard_get_result_title (wizard), ==, "investiq.db restored");
  g_assert_nonnull (tw_restore_wizard_get_pre_restore_path (wizard));
  g_assert_true (g_str_has_suffix (tw_restore_wizard_get_pre_restore_path (wizard), "-pre-restore.db"));
  g_assert_true (g_file_test (tw_restore_wizard_get_pre_restore_path (wizard), G_FILE_TEST_IS_REGULAR));
  check = tw_test_sqlite3 (db_path, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpint (tw_test_count_rows (db_path, "trades"), ==, backup_trades);
  g_assert_cmpint (tw_test_count_rows (tw_restore_wizard_get_pre_restore_path (wizard), "trades"), >,
                   backup_trades);
  /* The step-5 toast ("cannot be interrupted") went with its step. */
  g_assert_false (tw_restore_wizard_has_toast (wizard));
  tw_test_wait_until (!tw_test_has_widget_named (GTK_WIDGET (wizard), "AdwToastWidget"), 5000);
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-6-result");

  /* Resume trading… is guarded: the dialog asks for a reason and the checklist. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.resume", NULL);
  dialog = tw_restore_wizard_get_guard_dialog (wizard);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  g_assert_false (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  tw_test_save_pngs (dialog, "restore-wizard-6-resume-dialog");
  /* Cancelled: nothing sent. The count after the confirmed resume below (two: the halt
   * and that resume, which went out after any the cancel would have sent) shows it. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* The guard's answer comes back in a callback, which closes its dialog. */
  tw_test_wait_until (tw_restore_wizard_get_guard_dialog (wizard) == NULL, 5000);

  /* Confirmed (a reason, the checklist ticked): it reaches the simulator and is audited. */
  n_resume_ok = count_audit ("trading.resume", TW_AUDIT_OUTCOME_OK);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.resume", NULL);
  dialog = tw_restore_wizard_get_guard_dialog (wizard);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (dialog), "restored data checked against the broker");
  checklist = tw_guard_request_get_checklist (tw_guard_dialog_get_request (TW_GUARD_DIALOG (dialog)));
  for (guint i = 0; checklist != NULL && i < checklist->len; i++)
    if (tw_guard_dialog_get_check_sensitive (TW_GUARD_DIALOG (dialog), g_ptr_array_index (checklist, i)))
      tw_guard_dialog_set_checked (TW_GUARD_DIALOG (dialog), g_ptr_array_index (checklist, i), TRUE);
  g_assert_true (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  resumed.sim = demo.sim;
  resumed.wizard = wizard;
  g_assert_true (tw_test_ui_wait_for (investiq_resumed, &resumed, 20000));
  g_assert_cmpuint (count_requests (demo.sim, "investiq", "POST", "/api/risk/trading-halt"), ==, 2);
  g_assert_cmpuint (count_audit ("trading.resume", TW_AUDIT_OUTCOME_OK), >, n_resume_ok);
  g_test_message ("%s", tw_restore_wizard_get_last_message (wizard));
  g_assert_nonnull (strstr (tw_restore_wizard_get_last_message (wizard), "Resumed trading on"));
  audited = last_audit ("trading.resume", "investiq");
  g_assert_nonnull (audited);
  g_assert_cmpstr (tw_audit_record_get_reason (audited), ==, "restored data checked against the broker");
  g_assert_cmpint (tw_audit_record_get_outcome (audited), ==, TW_AUDIT_OUTCOME_OK);
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-6-resumed");

  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.close", NULL);
  tw_test_wait_until (tw_backups_page_get_open_dialog (demo.page) == NULL, 5000);

  backup_demo_close (&demo);
}

/* A corrupt backup is refused at step 2: Next stays off, the reason is shown. */
static void
test_corrupt_backup (void)
{
  BackupDemo demo = { 0, };
  CountWait count;
  TwRestoreWizard *wizard;
  g_autofree char *dir = NULL;
  g_autofree char *corrupt = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  backup_demo_open (&demo, app);
  count.page = demo.page;
  count.db_id = "investiq";
  count.n = 1;
  g_assert_true (tw_test_ui_wait_for (has_at_least, &count, 20000));
  dir = g_path_get_dirname (tw_backup_get_path (tw_backups_page_get_backup (demo.page, "investiq", 0)));
  g_assert_true (g_file_get_contents (tw_backup_get_path (tw_backups_page_get_backup (demo.page, "investiq", 0)),
                                      &contents, &len, NULL));
  memset (contents + 100, 0x33, len - 200);
  corrupt = g_build_filename (dir, "investiq_20200101_000000.db", NULL);
  g_assert_true (g_file_set_contents (corrupt, contents, len, NULL));
  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.refresh", NULL);
  count.n = 2;
  g_assert_true (tw_test_ui_wait_for (has_at_least, &count, 10000));

  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.restore", "s", corrupt);
  wizard = TW_RESTORE_WIZARD (tw_backups_page_get_open_dialog (demo.page));
  g_assert_true (TW_IS_RESTORE_WIZARD (wizard));
  g_assert_true (tw_test_ui_wait_for (wizard_idle, wizard, 15000));
  g_assert_cmpint (tw_restore_wizard_get_step (wizard), ==, TW_RESTORE_STEP_BACKUP);
  g_assert_false (tw_restore_wizard_get_can_next (wizard));
  g_assert_true (g_str_has_prefix (tw_restore_wizard_get_comparison (wizard), "This backup cannot be restored"));
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-2-corrupt");

  /* Cancel closes the wizard: nothing happened. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL);
  tw_test_wait_until (tw_backups_page_get_open_dialog (demo.page) == NULL, 5000);
  backup_demo_close (&demo);
}

/* In a live profile the profile's name is typed too; a held database is refused. */
static void
test_live_confirm (void)
{
  BackupDemo demo = { 0, };
  CountWait count;
  TwRestoreWizard *wizard;
  g_autofree char *backup_path = NULL;
  g_autofree char *checksum_before = NULL;
  g_autofree char *checksum_after = NULL;
  sqlite3 *holder = NULL;

  backup_demo_open_mode (&demo, app, TW_MODE_LIVE);
  count.page = demo.page;
  count.db_id = "ibkr-audit";
  count.n = 1;
  g_assert_true (tw_test_ui_wait_for (has_at_least, &count, 20000));
  backup_path = g_strdup (tw_backup_get_path (tw_backups_page_get_backup (demo.page, "ibkr-audit", 0)));

  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.restore", "s", backup_path);
  wizard = TW_RESTORE_WIZARD (tw_backups_page_get_open_dialog (demo.page));
  gtk_window_set_default_size (GTK_WINDOW (wizard), 760, 720);
  g_assert_true (tw_test_ui_wait_for (wizard_can_next, wizard, 15000));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_true (tw_test_ui_wait_for (states_known, NULL, 15000));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.halt-all", NULL);
  g_assert_true (tw_test_ui_wait_for (wizard_can_next, wizard, 20000));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpint (tw_restore_wizard_get_step (wizard), ==, TW_RESTORE_STEP_CONFIRM);

  tw_restore_wizard_set_typed_name (wizard, "audit.db");
  tw_restore_wizard_set_reason (wizard, "audit rows lost in the incident");
  g_assert_false (tw_restore_wizard_get_can_restore (wizard));
  tw_restore_wizard_set_typed_profile (wizard, "Demo");
  g_assert_false (tw_restore_wizard_get_can_restore (wizard));
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-4-confirm-live");
  tw_restore_wizard_set_typed_profile (wizard, "demo");
  g_assert_true (tw_restore_wizard_get_can_restore (wizard));

  /* Someone still has the database open (here: this process): the pre-flight refuses,
   * and the result says the database was not changed. */
  g_assert_cmpint (sqlite3_open_v2 (backup_demo_db_path (&demo, "ibkr-audit"), &holder,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (holder, "SELECT count(*) FROM events", NULL, NULL, NULL), ==, SQLITE_OK);
  checksum_before = tw_test_sqlite3 (backup_demo_db_path (&demo, "ibkr-audit"),
                                     "SELECT count(*), max(id) FROM events");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.restore", NULL);
  g_assert_true (tw_test_ui_wait_for (wizard_finished, wizard, 30000));
  sqlite3_close (holder);
  g_assert_false (tw_restore_wizard_get_succeeded (wizard));
  g_assert_cmpstr (tw_restore_wizard_get_step_state (wizard, TW_BACKUP_STEP_PREFLIGHT), ==, "failed");
  g_assert_cmpstr (tw_restore_wizard_get_step_state (wizard, TW_BACKUP_STEP_REPLACE), ==, "pending");
  g_assert_nonnull (strstr (tw_restore_wizard_get_result_text (wizard), "held by"));
  g_assert_nonnull (strstr (tw_restore_wizard_get_result_text (wizard), "The database was not touched."));
  g_assert_cmpstr (tw_restore_wizard_get_result_title (wizard), ==, "Not restored: audit.db untouched");
  g_assert_null (tw_restore_wizard_get_pre_restore_path (wizard));
  checksum_after = tw_test_sqlite3 (backup_demo_db_path (&demo, "ibkr-audit"),
                                    "SELECT count(*), max(id) FROM events");
  g_assert_cmpstr (checksum_after, ==, checksum_before);
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-6-refused");

  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.close", NULL);
  tw_test_wait_until (tw_backups_page_get_open_dialog (demo.page) == NULL, 5000);
  backup_demo_close (&demo);
}

static gboolean
fail_post_verify (const char *point,
                  gpointer    data)
{
  return g_strcmp0 (point, "post-verify") != 0;
}

/* The restored file fails its post-verify (forced through the restore's test hook): the
 * original is put back from the pre-restore backup, and the result says exactly that. */
static void
test_put_back (void)
{
  BackupDemo demo = { 0, };
  CountWait count;
  RowsWait rows;
  TwRestoreWizard *wizard;
  g_autofree char *backup_path = NULL;
  g_autofree char *check = NULL;
  const char *db_path;
  const char *pre;
  gint64 backup_trades;

  backup_demo_open (&demo, app);
  db_path = backup_demo_db_path (&demo, "investiq");
  count.page = demo.page;
  count.db_id = "investiq";
  count.n = 1;
  g_assert_true (tw_test_ui_wait_for (has_at_least, &count, 20000));
  backup_path = g_strdup (tw_backup_get_path (tw_backups_page_get_backup (demo.page, "investiq", 0)));
  backup_trades = tw_test_count_rows (backup_path, "trades");
  rows.path = db_path;
  rows.rows = backup_trades + 2;
  g_assert_true (tw_test_ui_wait_for (more_rows, &rows, 15000));

  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.restore", "s", backup_path);
  wizard = TW_RESTORE_WIZARD (tw_backups_page_get_open_dialog (demo.page));
  gtk_window_set_default_size (GTK_WINDOW (wizard), 760, 720);
  g_assert_true (tw_test_ui_wait_for (wizard_can_next, wizard, 15000));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_true (tw_test_ui_wait_for (states_known, NULL, 15000));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.halt-all", NULL);
  g_assert_true (tw_test_ui_wait_for (wizard_can_next, wizard, 20000));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  tw_restore_wizard_set_typed_name (wizard, "investiq.db");
  tw_restore_wizard_set_reason (wizard, "bad deploy wrote wrong trades");
  g_assert_true (tw_restore_wizard_get_can_restore (wizard));

  _tw_backup_restore_set_test_hook (fail_post_verify, NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.restore", NULL);
  g_assert_true (tw_test_ui_wait_for (wizard_finished, wizard, 30000));
  _tw_backup_restore_set_test_hook (NULL, NULL);

  g_test_message ("%s", tw_restore_wizard_get_result_text (wizard));
  g_assert_false (tw_restore_wizard_get_succeeded (wizard));
  g_assert_cmpstr (tw_restore_wizard_get_step_state (wizard, TW_BACKUP_STEP_REPLACE), ==, "done");
  g_assert_cmpstr (tw_restore_wizard_get_step_state (wizard, TW_BACKUP_STEP_POST_VERIFY), ==, "failed");
  g_assert_nonnull (strstr (tw_restore_wizard_get_result_text (wizard),
                            "The original database was put back from the pre-restore backup"));
  g_assert_cmpstr (tw_restore_wizard_get_result_title (wizard), ==, "Not restored: investiq.db put back as it was");
  /* No "may have stopped halfway": the operator is told which happened, not left to guess. */
  g_assert_null (strstr (tw_restore_wizard_get_result_text (wizard), "halfway"));

  /* The database is the original again (the firm goes on writing to it), not the backup. */
  pre = tw_restore_wizard_get_pre_restore_path (wizard);
  g_assert_nonnull (pre);
  g_assert_nonnull (strstr (tw_restore_wizard_get_result_text (wizard), pre));
  check = tw_test_sqlite3 (db_path, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpint (tw_test_count_rows (pre, "trades"), >, backup_trades);
  g_assert_cmpint (tw_test_count_rows (db_path, "trades"), >=, tw_test_count_rows (pre, "trades"));
  tw_test_wait_until (!tw_test_has_widget_named (GTK_WIDGET (wizard), "AdwToastWidget"), 5000);
  tw_test_save_pngs (GTK_WIDGET (wizard), "restore-wizard-6-put-back");

  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.close", NULL);
  tw_test_wait_until (tw_backups_page_get_open_dialog (demo.page) == NULL, 5000);
  backup_demo_close (&demo);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tw_test_ui_main_setup (&argc, &argv, &app);
  g_test_add_func ("/tw/ui/restore-wizard/restore", test_restore_wizard);
  g_test_add_func ("/tw/ui/restore-wizard/corrupt", test_corrupt_backup);
  g_test_add_func ("/tw/ui/restore-wizard/live-refused", test_live_confirm);
  g_test_add_func ("/tw/ui/restore-wizard/put-back", test_put_back);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
