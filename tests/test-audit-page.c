/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tw-audit-page-private.h"
#include "tw-test-app.h"

#define INTERVAL_MS 400

static TwApplication *app;

static gboolean
is_true (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static gboolean
is_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static void
flag_cb (gpointer  instance,
         gboolean *flag)
{
  *flag = TRUE;
}

static void
verified_cb (TwAuditPage *page,
             gboolean     ok,
             gboolean    *flag)
{
  *flag = TRUE;
}

static void
exported_cb (TwAuditPage *page,
             gboolean     ok,
             const char  *message,
             char       **out)
{
  *out = g_strdup_printf ("%s %s", ok ? "ok" : "failed", message);
}

static void
halt_finished_cb (TwApplication  *application,
                  GPtrArray      *results,
                  GPtrArray     **out)
{
  *out = g_ptr_array_ref (results);
}

/* Refreshes the page and waits for the answer. */
static void
refresh (TwAuditPage *page)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (page, "refreshed", G_CALLBACK (flag_cb), &done);

  tw_audit_page_refresh (page);
  g_assert_true (tw_test_ui_wait_for (is_true, &done, 5000));
  g_signal_handler_disconnect (page, id);
}

static void
verify (TwAuditPage *page)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (page, "verified", G_CALLBACK (verified_cb), &done);

  gtk_widget_activate_action (GTK_WIDGET (page), "audit.verify", NULL);
  g_assert_true (tw_test_ui_wait_for (is_true, &done, 5000));
  g_signal_handler_disconnect (page, id);
}

/* The style of the shown verification result: the class of the box around its label. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
verify_result_styled (TwAuditPage *page,
                      const char  *style)
{
  GtkWidget *label = find_label (GTK_WIDGET (page), tw_audit_page_get_verify_text (page, NULL));

  g_assert_nonnull (label);
  return gtk_widget_has_css_class (gtk_widget_get_parent (label), style);
}

typedef struct
{
  TwAuditPage *page;
  const char  *part;
} TextWait;

static gboolean
verify_text_has (gpointer user_data)
{
  TextWait *wait = user_data;
  const char *text = tw_audit_page_get_verify_text (wait->page, NULL);

  return text != NULL && strstr (text, wait->part) != NULL;
}

static gboolean
window_wide (gpointer user_data)
{
  /* The window's own width is the default width less its decorations' few pixels. */
  return gtk_widget_get_width (user_data) >= 1280 - 24;
}

static guint
count_outcome (GListModel     *rows,
               TwAuditOutcome  outcome)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwAuditRecord) record = g_list_model_get_item (rows, i);

      if (tw_audit_record_get_outcome (record) == outcome)
        n++;
    }
  return n;
}

/* The mode words the table shows now (mapped cells of the Mode column), as
 * "LIVE LIVE PAPER …" in screen order. */
static void
collect_modes (GtkWidget *widget,
               GString   *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "tw-audit-mode")
      && gtk_widget_get_mapped (widget) && *gtk_label_get_label (GTK_LABEL (widget)) != '\0')
    g_string_append_printf (out, "%s%s", out->len > 0 ? " " : "", gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_modes (child, out);
}

typedef struct
{
  TwAuditPage *page;
  guint        n_live;
  guint        n_paper;
} ModesWait;

static gboolean
modes_shown (gpointer user_data)
{
  ModesWait *wait = user_data;
  g_autoptr(GString) modes = g_string_new (NULL);
  g_auto(GStrv) words = NULL;
  guint n_live = 0, n_paper = 0;

  collect_modes (GTK_WIDGET (wait->page), modes);
  words = g_strsplit (modes->str, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (g_str_equal (words[i], "LIVE"))
        n_live++;
      else if (g_str_equal (words[i], "PAPER"))
        n_paper++;
    }
  return n_live == wait->n_live && n_paper == wait->n_paper;
}

/* Appends a row as a process without the keyring writes it (a cron job, an SSH session):
 * the plain SHA-256 of its canonical form (tw-audit-log.h), chained, marked unkeyed.
 * Returns its id. */
static gint64
append_unkeyed_row (TwAuditLog *log)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) newest = NULL;
  g_autoptr(TwAuditRecord) last = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *sql = NULL;
  const char *time_us = "1700000000000000";
  int exit_status = 0;

  filter.limit = 1;
  newest = tw_audit_log_query (log, &filter, NULL, &error);
  g_assert_no_error (error);
  last = g_list_model_get_item (newest, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, tw_audit_record_get_id (last) + 1);
  {
    const char *fields[] = { "tw-audit-1", id, time_us, "demo", "paper", "cron", "trading.halt",
                             "investiq", "nightly", "ok", "200", "halted", "0",
                             tw_audit_record_get_hash (last) };

    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      {
        if (i > 0)
          g_checksum_update (sum, (const guchar *) "\x1f", 1);
        g_checksum_update (sum, (const guchar *) fields[i], -1);
      }
  }
  sql = g_strdup_printf ("INSERT INTO audit VALUES (%s, %s, 'demo', 'paper', 'cron', "
                         "'trading.halt', 'investiq', 'nightly', 'ok', 200, 'halted', 0, "
                         "'%s', '%s', 1);", id, time_us, tw_audit_record_get_hash (last),
                         g_checksum_get_string (sum));
  {
    const char *argv[] = { "sqlite3", "-batch", tw_audit_log_get_path (log), sql, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 NULL, NULL, &exit_status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (exit_status, ==, 0);
  }
  return tw_audit_record_get_id (last) + 1;
}

static void
test_audit (void)
{
  AppFixture f = { 0, };
  TwAuditPage *page;
  GListModel *rows;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *export_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  gboolean ok = TRUE;
  int exit_status = 0;
  guint n_rows;
  gint64 tampered;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  page = tw_application_get_audit_page (app);
  g_assert_true (tw_window_show_page (f.window, "audit"));
  g_assert_true (app_wait_states_known (&f, 10000));

  /* Some actions: Halt All, and a guarded resume refused by the guard (no reason). */
  g_signal_connect (app, "halt-finished", G_CALLBACK (halt_finished_cb), &results);
  g_action_group_activate_action (G_ACTION_GROUP (app), "halt", NULL);
  g_assert_true (tw_test_ui_wait_for (is_set, &results, 10000));
  g_signal_handlers_disconnect_by_func (app, halt_finished_cb, &results);

  refresh (page);
  rows = tw_audit_page_get_rows (page);
  n_rows = g_list_model_get_n_items (rows);
  /* A "requested" row before and an outcome row after, for each of the four services. */
  g_assert_cmpuint (count_outcome (rows, TW_AUDIT_OUTCOME_REQUESTED), ==, 4);
  g_assert_cmpuint (count_outcome (rows, TW_AUDIT_OUTCOME_OK), ==, 4);
  g_assert_cmpuint (n_rows, ==, 8);
  {
    g_autoptr(TwAuditRecord) newest = g_list_model_get_item (rows, 0);

    g_assert_cmpstr (tw_audit_record_get_profile (newest), ==, "demo");
    g_assert_cmpstr (tw_audit_record_get_action (newest), ==, "trading.halt");
  }

  /* Filters: outcome, action, text. */
  tw_audit_page_set_outcome_filter (page, TW_AUDIT_OUTCOME_OK);
  refresh (page);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 4);
  g_assert_cmpuint (count_outcome (rows, TW_AUDIT_OUTCOME_OK), ==, 4);
  tw_audit_page_set_outcome_filter (page, -1);
  g_assert_true (tw_audit_page_set_action_filter (page, "trading.halt"));
  g_assert_false (tw_audit_page_set_action_filter (page, "keys.rotate"));
  tw_audit_page_set_search_text (page, "Alpaca");
  refresh (page);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  tw_audit_page_set_search_text (page, NULL);
  g_assert_true (tw_audit_page_set_action_filter (page, NULL));
  refresh (page);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_rows);

  /* Verify, with a visible result. */
  verify (page);
  text = tw_audit_page_get_verify_text (page, &ok);
  g_assert_true (ok);
  /* What it covered, and when. */
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Chain intact through row 8 (verified "));
  g_assert_null (strstr (text, "not verified"));
  g_assert_true (verify_result_styled (page, "success"));
  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (f.window)), >=, 3);
  app_save_png_light_dark (GTK_WIDGET (f.window), "audit");
  /* As on a 1280×800 screen, where every column should be readable. */
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1280, 800);
  g_assert_true (tw_test_ui_wait_for (window_wide, f.window, 10000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  app_save_png_light_dark (GTK_WIDGET (f.window), "audit-1280x800");

  /* Export: JSON lines, one a row. */
  export_path = g_build_filename (g_get_tmp_dir (), "tw-audit-export.jsonl", NULL);
  file = g_file_new_for_path (export_path);
  g_signal_connect (page, "exported", G_CALLBACK (exported_cb), &exported);
  tw_audit_page_export_to_file (page, file);
  g_assert_true (tw_test_ui_wait_for (is_set, &exported, 5000));
  g_assert_true (g_str_has_prefix (exported, "ok "));
  g_assert_true (g_file_get_contents (export_path, &contents, NULL, &error));
  g_assert_no_error (error);
  {
    g_auto(GStrv) lines = g_strsplit (g_strchomp (contents), "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 8);
  }

  /* Another profile, live, wrote to the same log: each row shows its mode, and the
   * profile filter keeps one profile's rows. */
  {
    TwAuditLog *log = tw_application_get_audit_log (app);
    ModesWait modes = { page, 0, 8 };

    g_assert_true (tw_test_ui_wait_for (modes_shown, &modes, 5000));
    g_assert_cmpint (tw_audit_log_record (log, "live-desk", TW_MODE_LIVE, "trading.halt", "InvestIQ",
                                          "Halted from Trade Warden by night-desk",
                                          TW_AUDIT_OUTCOME_REQUESTED, 0, NULL, &error), >, 0);
    g_assert_no_error (error);
    g_assert_cmpint (tw_audit_log_record (log, "live-desk", TW_MODE_LIVE, "trading.halt", "InvestIQ",
                                          "Halted from Trade Warden by night-desk",
                                          TW_AUDIT_OUTCOME_OK, 200, "Trading halted", &error), >, 0);
    g_assert_no_error (error);
    refresh (page);
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_rows + 2);

    /* The result shown before those two rows does not cover them, and says so. */
    {
      TextWait stale = { page, "2 newer rows not verified: Verify again" };

      g_assert_true (tw_test_ui_wait_for (verify_text_has, &stale, 5000));
      text = tw_audit_page_get_verify_text (page, &ok);
      g_test_message ("%s", text);
      g_assert_true (g_str_has_prefix (text, "Chain intact through row 8 (verified "));
      g_assert_true (verify_result_styled (page, "warning"));
      g_assert_false (verify_result_styled (page, "success"));
      app_save_png_light_dark (GTK_WIDGET (f.window), "audit-verify-out-of-date");
    }
    /* Verified again: through the newest row. */
    verify (page);
    text = tw_audit_page_get_verify_text (page, &ok);
    g_assert_true (ok);
    g_assert_true (g_str_has_prefix (text, "Chain intact through row 10 (verified "));
    g_assert_null (strstr (text, "not verified"));
    g_assert_true (verify_result_styled (page, "success"));

    modes = (ModesWait) { page, 2, 8 };
    g_assert_true (tw_test_ui_wait_for (modes_shown, &modes, 5000));
    app_save_png_light_dark (GTK_WIDGET (f.window), "audit-modes");

    g_assert_false (tw_audit_page_set_profile_filter (page, "nobody"));
    g_assert_true (tw_audit_page_set_profile_filter (page, "live-desk"));
    refresh (page);
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
    for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr(TwAuditRecord) record = g_list_model_get_item (rows, i);

        g_assert_cmpstr (tw_audit_record_get_profile (record), ==, "live-desk");
        g_assert_cmpstr (tw_audit_record_get_mode (record), ==, "live");
      }
    modes = (ModesWait) { page, 2, 0 };
    g_assert_true (tw_test_ui_wait_for (modes_shown, &modes, 5000));

    g_assert_true (tw_audit_page_set_profile_filter (page, "demo"));
    refresh (page);
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_rows);
    modes = (ModesWait) { page, 0, 8 };
    g_assert_true (tw_test_ui_wait_for (modes_shown, &modes, 5000));

    /* A row the filter hides still makes the result out of date. */
    {
      TextWait stale = { page, "1 newer row not verified" };

      g_assert_cmpint (tw_audit_log_record (log, "live-desk", TW_MODE_LIVE, "trading.halt", "AI trading",
                                            NULL, TW_AUDIT_OUTCOME_REFUSED, 0, "Refused by the guard", &error), >, 0);
      g_assert_no_error (error);
      refresh (page);
      g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_rows);
      g_assert_true (tw_test_ui_wait_for (verify_text_has, &stale, 5000));
      g_assert_true (g_str_has_prefix (tw_audit_page_get_verify_text (page, NULL), "Chain intact through row 10 "));
    }

    g_assert_true (tw_audit_page_set_profile_filter (page, NULL));
    refresh (page);
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_rows + 3);
  }

  /* Rows written by a process without the keyring: intact, with a warning naming them. */
  {
    TwAuditLog *log = tw_application_get_audit_log (app);
    g_autofree char *expected = NULL;
    gint64 first = append_unkeyed_row (log);
    gint64 last = append_unkeyed_row (log);

    verify (page);
    text = tw_audit_page_get_verify_text (page, &ok);
    g_test_message ("with unkeyed rows: %s", text);
    g_assert_true (ok);
    expected = g_strdup_printf ("rows %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " were written "
                                "without the keyring (unkeyed)", first, last);
    g_assert_nonnull (strstr (text, expected));
    g_assert_true (verify_result_styled (page, "warning"));
    g_assert_false (verify_result_styled (page, "success"));
    g_free (app_save_png (GTK_WIDGET (f.window), "audit-verify-unkeyed-light.png"));
  }

  /* Someone edits a row with the sqlite3 tool: Verify names that row, error-styled. */
  tampered = 3;
  sql = g_strdup_printf ("DROP TRIGGER audit_no_update; UPDATE audit SET reason = 'nothing to see' "
                         "WHERE id = %" G_GINT64_FORMAT ";", tampered);
  {
    const char *argv[] = { "sqlite3", "-batch", tw_audit_log_get_path (tw_application_get_audit_log (app)),
                           sql, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, &err, &exit_status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (exit_status, ==, 0);
  }
  verify (page);
  text = tw_audit_page_get_verify_text (page, &ok);
  g_test_message ("after tampering: %s", text);
  g_assert_false (ok);
  g_assert_true (g_str_has_prefix (text, "Chain broken at row 3:"));
  g_free (app_save_png (GTK_WIDGET (f.window), "audit-tampered-light.png"));

  app_fixture_close (&f);
  g_unlink (export_path);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/audit/page", test_audit);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
