/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tw-backup-private.h"
#include "tw-backup-test-helpers.h"
#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"
#include "tw-restore-wizard.h"
#include "tw-restore-wizard-private.h"
#include "tw-test-i18n.h"
#include "tw-test-ui.h"
#include "tw-ui-resources.h"

/* What the restore wizard says when a restore does not succeed, in English and in German
 * (the built catalog): one heading for each thing the database can be left as. The
 * heading comes from the manager's TwRestoreOutcome, never from its message: each case
 * here fails the restore at a point of the manager's test hook, on a real database, and
 * the message the manager writes is translated too. Also the confirm step's line of what
 * is still needed, which the wizard took from the guard's refusal by looking for
 * "Still needed:" in it. */

typedef struct
{
  const char *name;
  const char *fail_at;      /* the restore's test hook point that fails */
  const char *also_fail;    /* (nullable) and a second one */
  gboolean    no_database;  /* restore where there is no database yet */
  const char *english;      /* the heading */
  const char *german;
} OutcomeCase;

static const OutcomeCase cases[] = {
  { "untouched", "pre-backup", NULL, FALSE,
    "Not restored: outcome.db untouched",
    "Nicht wiederhergestellt: outcome.db unverändert" },
  { "put-back", "post-verify", NULL, FALSE,
    "Not restored: outcome.db put back as it was",
    "Nicht wiederhergestellt: outcome.db wieder wie zuvor" },
  { "by-hand", "post-verify", "put-back-sidecars-removed", FALSE,
    "Restore failed: outcome.db must be restored by hand",
    "Wiederherstellung fehlgeschlagen: outcome.db muss von Hand wiederhergestellt werden" },
  { "check", "post-verify", NULL, TRUE,
    "Restore failed: check outcome.db",
    "Wiederherstellung fehlgeschlagen: outcome.db prüfen" },
};

typedef struct
{
  char            *dir;
  char            *db;
  char            *backup;
  TwAuditLog      *audit;
  TwBackupManager *manager;
  TwWorkspace     *workspace;
  TwRestoreWizard *wizard;
} Fixture;

static const OutcomeCase *failing;

/* Runs in the restore's thread; @failing is set before the restore and cleared after. */
static gboolean
hook (const char *point,
      gpointer    data)
{
  return g_strcmp0 (point, failing->fail_at) != 0 && g_strcmp0 (point, failing->also_fail) != 0;
}

static gboolean
wizard_can_next (gpointer user_data)
{
  TwRestoreWizard *wizard = user_data;

  return !tw_restore_wizard_is_busy (wizard) && tw_restore_wizard_get_can_next (wizard);
}

static gboolean
wizard_finished (gpointer user_data)
{
  return tw_restore_wizard_get_step (TW_RESTORE_WIZARD (user_data)) == TW_RESTORE_STEP_RESULT
    && !tw_restore_wizard_is_busy (TW_RESTORE_WIZARD (user_data));
}

static gboolean
is_null (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
}

/* A database with a valid backup, a profile that looks after it, and the wizard opened on
 * it and brought to the confirm step (nothing can trade: no risk monitor). */
static void
fixture_open (Fixture  *f,
              gboolean  no_database)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_profile_new ("outcomes", TW_MODE_PAPER);
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autofree char *audit_path = NULL;
  g_autoptr(TwBackup) backup = NULL;

  f->dir = tw_test_temp_dir ();
  f->db = g_build_filename (f->dir, "outcome.db", NULL);
  audit_path = g_build_filename (f->dir, "audit.db", NULL);
  f->audit = tw_audit_log_open (audit_path, &error);
  g_assert_no_error (error);
  f->manager = tw_backup_manager_new (f->audit, "outcomes", TW_MODE_PAPER);

  tw_test_make_db (f->db, 40, 16, FALSE, 1);
  backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  f->backup = g_strdup (tw_backup_get_path (backup));
  if (no_database)
    g_assert_cmpint (g_unlink (f->db), ==, 0);

  tw_profile_add_database (profile, "outcome", f->db, NULL, 0, 0);
  f->workspace = tw_workspace_new (profile, registry, http, secrets);
  f->wizard = tw_restore_wizard_new (NULL, f->manager, f->workspace, NULL, NULL);
  g_object_add_weak_pointer (G_OBJECT (f->wizard), (gpointer *) &f->wizard);
  gtk_window_set_default_size (GTK_WINDOW (f->wizard), 760, 720);
  tw_restore_wizard_preselect (f->wizard, "outcome", f->backup);
  gtk_window_present (GTK_WINDOW (f->wizard));

  g_assert_cmpint (tw_restore_wizard_get_step (f->wizard), ==, TW_RESTORE_STEP_BACKUP);
  g_assert_true (tw_test_ui_wait_for (wizard_can_next, f->wizard, 15000));
  gtk_widget_activate_action (GTK_WIDGET (f->wizard), "wizard.next", NULL);
  g_assert_cmpint (tw_restore_wizard_get_step (f->wizard), ==, TW_RESTORE_STEP_SAFETY);
  g_assert_true (tw_test_ui_wait_for (wizard_can_next, f->wizard, 15000));
  gtk_widget_activate_action (GTK_WIDGET (f->wizard), "wizard.next", NULL);
  g_assert_cmpint (tw_restore_wizard_get_step (f->wizard), ==, TW_RESTORE_STEP_CONFIRM);
}

static void
fixture_close (Fixture *f)
{
  if (f->wizard != NULL)
    gtk_widget_activate_action (GTK_WIDGET (f->wizard),
                                tw_restore_wizard_get_step (f->wizard) == TW_RESTORE_STEP_RESULT
                                ? "wizard.close" : "wizard.cancel", NULL);
  g_assert_true (tw_test_ui_wait_for (is_null, &f->wizard, 5000));
  g_clear_object (&f->workspace);
  g_assert_finalize_object (g_steal_pointer (&f->manager));
  g_clear_object (&f->audit);
  tw_test_remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->db, g_free);
  g_clear_pointer (&f->backup, g_free);
}

static void
run_case (const OutcomeCase *c,
          gboolean           german)
{
  Fixture f = { 0, };
  g_autofree char *saved = NULL;

  if (german && !tw_test_enter_german (&saved))
    return;

  fixture_open (&f, c->no_database);
  tw_restore_wizard_set_typed_name (f.wizard, "outcome.db");
  tw_restore_wizard_set_reason (f.wizard, "outcome test of the wizard");
  g_assert_true (tw_restore_wizard_get_can_restore (f.wizard));

  failing = c;
  _tw_backup_restore_set_test_hook (hook, NULL);
  gtk_widget_activate_action (GTK_WIDGET (f.wizard), "wizard.restore", NULL);
  g_assert_true (tw_test_ui_wait_for (wizard_finished, f.wizard, 30000));
  _tw_backup_restore_set_test_hook (NULL, NULL);
  failing = NULL;

  g_test_message ("%s: %s", tw_restore_wizard_get_result_title (f.wizard),
                  tw_restore_wizard_get_result_text (f.wizard));
  g_assert_false (tw_restore_wizard_get_succeeded (f.wizard));
  g_assert_cmpstr (tw_restore_wizard_get_result_title (f.wizard), ==, german ? c->german : c->english);
  if (german)
    {
      g_autofree char *png = g_strdup_printf ("restore-outcome-%s-de.png", c->name);
      g_autofree char *path = NULL;

      /* The manager's message is German too: the heading did not depend on its words. */
      g_assert_null (strstr (tw_restore_wizard_get_result_text (f.wizard), "Restore of"));
      g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.wizard), 5000));
      path = tw_test_ui_save_png (GTK_WIDGET (f.wizard), png);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }

  fixture_close (&f);
  if (german)
    tw_test_leave_german (saved);
}

static void
test_outcome_english (gconstpointer data)
{
  run_case (data, FALSE);
}

static void
test_outcome_german (gconstpointer data)
{
  run_case (data, TRUE);
}

/* The confirm step shows what is still needed, in the reader's language, and does not
 * call an incomplete form refused; the guard dialog says it in its own words. */
static void
run_still_needed (gboolean german)
{
  Fixture f = { 0, };
  g_autofree char *saved = NULL;
  g_autoptr(TwGuardRequest) request = tw_guard_request_new ("trading.resume", "investiq",
                                                            "outcomes", TW_MODE_PAPER);
  GtkWidget *dialog;
  const char *problem;

  if (german && !tw_test_enter_german (&saved))
    return;

  fixture_open (&f, FALSE);
  tw_restore_wizard_set_typed_name (f.wizard, "outcome.db");
  tw_restore_wizard_set_reason (f.wizard, "short");
  problem = tw_restore_wizard_get_problem (f.wizard);
  g_test_message ("wizard: %s", problem);
  g_assert_cmpstr (problem, ==, german ? "Noch nötig: eine Begründung mit mindestens 10 Zeichen."
                                       : "Still needed: a reason of at least 10 characters.");
  g_assert_false (tw_restore_wizard_get_can_restore (f.wizard));
  tw_restore_wizard_set_reason (f.wizard, "outcome test of the wizard");
  g_assert_cmpstr (tw_restore_wizard_get_problem (f.wizard), ==, "");
  g_assert_true (tw_restore_wizard_get_can_restore (f.wizard));
  fixture_close (&f);

  dialog = tw_guard_dialog_new (NULL, request, NULL, NULL);
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (dialog), "Ursache behoben");
  problem = tw_guard_dialog_get_problem (TW_GUARD_DIALOG (dialog));
  g_test_message ("guard dialog: %s", problem);
  g_assert_true (g_str_has_prefix (problem, german ? "Noch nötig, bevor Sie bestätigen können: „Ursache gefunden“; "
                                                   : "Still needed before you can confirm: “Root cause identified”; "));
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (german)
    tw_test_leave_german (saved);
}

static void
test_still_needed_english (void)
{
  run_still_needed (FALSE);
}

static void
test_still_needed_german (void)
{
  run_still_needed (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));

  /* LANGUAGE would take precedence over the German locale; unset before any thread. */
  g_unsetenv ("LANGUAGE");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* The system's icon theme, the user dirs isolated. */
  g_setenv ("XDG_DATA_DIRS", data_dirs != NULL ? data_dirs : "/usr/local/share:/usr/share", TRUE);
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* Nothing else here links the widgets' templates in: the window usually does. */
  g_assert_nonnull (tw_ui_get_resource ());

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *en = g_strdup_printf ("/tw/ui/restore-outcome/%s/en", cases[i].name);
      g_autofree char *de = g_strdup_printf ("/tw/ui/restore-outcome/%s/de", cases[i].name);

      g_test_add_data_func (en, &cases[i], test_outcome_english);
      g_test_add_data_func (de, &cases[i], test_outcome_german);
    }
  g_test_add_func ("/tw/ui/restore-outcome/still-needed/en", test_still_needed_english);
  g_test_add_func ("/tw/ui/restore-outcome/still-needed/de", test_still_needed_german);

  return g_test_run ();
}
