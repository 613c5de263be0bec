/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tw-error.h"
#include "tw-flags.h"
#include "tw-flags-private.h"
#include "tw-alert-private.h"
#include "tw-risk-fixture.h"

/* The flags service against the simulated IBKR assistant, over real HTTP. */

#define IBKR "ibkr-assistant"

typedef struct
{
  RiskFixture  risk;
  TwFlags     *flags;
} Fixture;

static void
setup (Fixture *f)
{
  risk_fixture_setup (&f->risk, TW_MODE_PAPER, 5000);
  f->flags = tw_flags_new (f->risk.workspace, f->risk.audit);
}

static void
teardown (Fixture *f)
{
  tw_flags_close (f->flags);
  /* A history query or a file read may still hold it for a moment. */
  tw_test_wait_until (G_OBJECT (f->flags)->ref_count == 1, 5000);
  g_assert_finalize_object (f->flags);
  risk_fixture_teardown (&f->risk);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
refresh (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tw_flags_refresh_async (f->flags, NULL, result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  g_assert_true (tw_flags_refresh_finish (f->flags, result, &error));
  g_assert_no_error (error);
}

/* Sets @name to @value through the guard with @reason and the typed names; returns the
 * outcome. */
static gboolean
change (Fixture     *f,
        const char  *name,
        const char  *value,
        const char  *reason,
        gboolean     typed,
        guint        revert_after,
        GError     **error)
{
  TwFlag *flag = tw_flags_lookup (f->flags, IBKR, name);
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_nonnull (flag);
  request = tw_flags_new_request (f->flags, flag, value);
  tw_guard_request_set_reason (request, reason);
  if (typed)
    {
      tw_guard_request_set_typed_flag (request, name);
      tw_guard_request_set_typed_confirmation (request, RISK_PROFILE);
    }
  tw_flags_change_async (f->flags, flag, request, value, revert_after, NULL,
                         result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  return tw_flags_change_finish (f->flags, result, error);
}

static const char *
value_of (Fixture    *f,
          const char *name)
{
  return tw_flag_get_value (tw_flags_lookup (f->flags, IBKR, name));
}

static void
test_list (void)
{
  Fixture f;

  setup (&f);
  g_assert_true (tw_flags_has_services (f.flags));
  /* The connector's seven, unknown until read. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.flags)), ==, 7);
  g_assert_false (tw_flag_get_known (tw_flags_lookup (f.flags, IBKR, "live_trading_mode")));

  refresh (&f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.flags)), ==, 7);
  g_assert_cmpstr (value_of (&f, "live_trading_mode"), ==, "false");
  g_assert_cmpstr (value_of (&f, "auto_approval"), ==, "false");
  g_assert_cmpfloat (tw_flag_get_number (tw_flags_lookup (f.flags, IBKR, "auto_approval_max_notional")), ==, 1000.0);
  g_assert_cmpstr (value_of (&f, "strict_validation"), ==, "true");
  g_assert_cmpstr (value_of (&f, "enable_mcp_server"), ==, "true");
  g_assert_cmpuint (tw_flag_get_risk (tw_flags_lookup (f.flags, IBKR, "live_trading_mode")), ==,
                    TW_FLAG_RISK_CRITICAL);
  g_assert_cmpuint (tw_flag_get_risk (tw_flags_lookup (f.flags, IBKR, "auto_approval")), ==,
                    TW_FLAG_RISK_HIGH);
  /* No files named in the profile, and the service does not say: unknown, never a guess. */
  g_assert_cmpuint (tw_flag_get_layer (tw_flags_lookup (f.flags, IBKR, "live_trading_mode")), ==,
                    TW_FLAG_LAYER_UNKNOWN);
  teardown (&f);
}

static void
test_enable_disable (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  setup (&f);
  refresh (&f);
  risk_clear_requests (&f.risk);

  /* A normal flag: a reason is enough. */
  g_assert_true (change (&f, "new_risk_rules", "true", "A/B test of the new policy", FALSE, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value_of (&f, "new_risk_rules"), ==, "true");
  g_assert_true (change (&f, "new_risk_rules", "false", "A/B test is over now", FALSE, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value_of (&f, "new_risk_rules"), ==, "false");

  /* Critical, away from safety: reason and its name typed. */
  g_assert_true (change (&f, "live_trading_mode", "true", "Go-live approved by risk", TRUE, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value_of (&f, "live_trading_mode"), ==, "true");
  /* Toward safety: one click, no reason. */
  g_assert_true (change (&f, "live_trading_mode", "false", NULL, FALSE, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value_of (&f, "live_trading_mode"), ==, "false");

  sent = risk_changing_requests (&f.risk, IBKR);
  g_assert_cmpuint (sent->len, ==, 4);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "path"), ==,
                   "/api/v1/feature-flags/new_risk_rules/enable");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 3), "path"), ==,
                   "/api/v1/feature-flags/live_trading_mode/disable");

  rows = risk_audit_rows (&f.risk, "flags.enable");
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpuint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REQUESTED);
  g_assert_cmpuint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 1)), ==, TW_AUDIT_OUTCOME_OK);
  g_assert_cmpstr (tw_audit_record_get_target (g_ptr_array_index (rows, 1)), ==,
                   "ibkr-assistant/new_risk_rules: off → on");
  risk_assert_audit_valid (&f.risk);

  /* The last change, from the audit log. */
  tw_test_wait_until (tw_flag_get_last_change (tw_flags_lookup (f.flags, IBKR, "live_trading_mode")) != NULL &&
                      strstr (tw_flag_get_last_change (tw_flags_lookup (f.flags, IBKR, "live_trading_mode")),
                              "on → off") != NULL, 5000);
  teardown (&f);
}

static void
test_number (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  TwFlag *flag;
  double min, max;

  setup (&f);
  refresh (&f);
  risk_clear_requests (&f.risk);
  flag = tw_flags_lookup (f.flags, IBKR, "auto_approval_max_notional");
  g_assert_true (tw_flag_get_bounds (flag, &min, &max));
  g_assert_cmpfloat (min, ==, 0);
  g_assert_cmpstr (tw_flag_get_unit (flag), ==, "USD");
  /* The runbook has no runtime call for the number: nothing is sent, and the error says
   * which variable to set. */
  g_assert_null (tw_flags_operation_for (f.flags, flag, "500"));
  g_assert_false (change (&f, "auto_approval_max_notional", "500", "Smaller account now", FALSE, 0, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "AUTO_APPROVAL_MAX_NOTIONAL"));
  sent = risk_changing_requests (&f.risk, IBKR);
  g_assert_cmpuint (sent->len, ==, 0);
  teardown (&f);
}

static void
test_guard_refuses (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  setup (&f);
  refresh (&f);
  risk_clear_requests (&f.risk);

  /* No reason */
  g_assert_false (change (&f, "live_trading_mode", "true", NULL, TRUE, 0, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);
  /* A reason, but the name not typed */
  g_assert_false (change (&f, "live_trading_mode", "true", "Go-live approved by risk", FALSE, 0, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "live_trading_mode"));
  g_clear_error (&error);
  /* A normal flag away from safety (strict validation off) without a reason */
  g_assert_false (change (&f, "strict_validation", "false", NULL, FALSE, 0, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);

  sent = risk_changing_requests (&f.risk, IBKR);
  g_assert_cmpuint (sent->len, ==, 0);
  g_assert_cmpstr (value_of (&f, "live_trading_mode"), ==, "false");
  rows = risk_audit_rows (&f.risk, "flags.enable");
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REFUSED);
  g_assert_cmpuint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 1)), ==, TW_AUDIT_OUTCOME_REFUSED);
  teardown (&f);
}

static void
test_live_profile_needs_profile_name (void)
{
  g_autoptr(TwGuardRequest) request = tw_guard_request_new ("flags.enable", "x/live_trading_mode",
                                                            "prod", TW_MODE_LIVE);
  g_autoptr(GError) error = NULL;

  tw_guard_request_set_flag (request, "live_trading_mode", "critical", FALSE);
  g_assert_true (tw_guard_request_needs_typed_flag (request));
  g_assert_true (tw_guard_request_needs_typed_name (request));
  g_assert_cmpuint (tw_guard_request_get_checklist (request)->len, ==, 0);
  tw_guard_request_set_reason (request, "Approved go-live of prod");
  tw_guard_request_set_typed_flag (request, "live_trading_mode");
  g_assert_false (tw_guard_request_check (request, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);
  tw_guard_request_set_typed_confirmation (request, "prod");
  g_assert_true (tw_guard_request_check (request, &error));
  g_assert_no_error (error);

  /* Toward safety: nothing needed, also live. */
  g_clear_object (&request);
  request = tw_guard_request_new ("flags.disable", "x/live_trading_mode", "prod", TW_MODE_LIVE);
  tw_guard_request_set_flag (request, "live_trading_mode", "critical", TRUE);
  g_assert_true (tw_guard_request_check (request, &error));
  g_assert_no_error (error);

  /* Normal flag away from safety: a reason, no typed names. */
  g_clear_object (&request);
  request = tw_guard_request_new ("flags.enable", "x/new_risk_rules", "prod", TW_MODE_LIVE);
  tw_guard_request_set_flag (request, "new_risk_rules", "normal", FALSE);
  g_assert_false (tw_guard_request_needs_typed_flag (request));
  g_assert_false (tw_guard_request_needs_typed_name (request));
  tw_guard_request_set_reason (request, "Trying the new rules");
  g_assert_true (tw_guard_request_check (request, &error));
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

/* Issue 18: a service's feature_flags.json goes through the guarded parse. Nested half
 * a million deep (1 MB, within the size limit) it overflowed json-glib's recursion in
 * the worker that reads it; the file is not known now, and the flags' layers say so. */
static void
test_flags_file_deep (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tw-flags-XXXXXX", NULL);
  LayerFiles *files = g_new0 (LayerFiles, 1);
  g_autoptr(GString) deep = g_string_new ("{\"new_risk_rules\": ");

  for (guint i = 0; i < 500000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 500000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  files->flags_path = g_build_filename (dir, "feature_flags.json", NULL);
  g_assert_true (g_file_set_contents (files->flags_path, deep->str, deep->len, NULL));
  _tw_flags_layer_files_read (files);
  g_assert_null (files->file);

  /* The same file within the limits is read. */
  g_assert_true (g_file_set_contents (files->flags_path, "{\"new_risk_rules\": [[true]]}", -1, NULL));
  _tw_flags_layer_files_read (files);
  g_assert_nonnull (files->file);
  g_assert_true (json_object_has_member (files->file, "new_risk_rules"));

  g_unlink (files->flags_path);
  g_rmdir (dir);
  _tw_flags_layer_files_free (files);
}

static void
test_env_pinned (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *env_path = g_build_filename (g_get_user_data_dir (), "ibkr.env", NULL);
  g_autofree char *json_path = g_build_filename (g_get_user_data_dir (), "feature_flags.json", NULL);
  TwService *service;
  TwFlag *live;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  write_file (env_path, "# the service's environment\nENV=paper\nexport LIVE_TRADING_MODE=true\n");
  write_file (json_path, "{\"new_risk_rules\": true, \"enable_mcp_server\": false}");
  /* The simulated service reads the same feature_flags.json. */
  g_setenv ("TW_SIM_DATA_DIR", g_get_user_data_dir (), TRUE);

  setup (&f);
  service = tw_profile_lookup_service (f.risk.profile, IBKR);
  tw_service_set_env_file (service, env_path);
  tw_service_set_flags_file (service, json_path);
  /* The service was started with the variable set. */
  risk_scenario (&f.risk, "{\"name\": \"flag-env\", \"variable\": \"LIVE_TRADING_MODE\", \"value\": \"true\"}");
  refresh (&f);

  live = tw_flags_lookup (f.flags, IBKR, "live_trading_mode");
  tw_test_wait_until (tw_flag_get_layer (live) == TW_FLAG_LAYER_ENV, 5000);
  g_assert_true (tw_flag_get_locked (live));
  g_assert_nonnull (strstr (tw_flag_get_layer_detail (live), "LIVE_TRADING_MODE=true"));
  g_assert_cmpstr (tw_flag_get_value (live), ==, "true");
  g_assert_cmpuint (tw_flag_get_layer (tw_flags_lookup (f.flags, IBKR, "new_risk_rules")), ==,
                    TW_FLAG_LAYER_FILE);
  g_assert_cmpstr (value_of (&f, "new_risk_rules"), ==, "true");
  g_assert_cmpuint (tw_flag_get_layer (tw_flags_lookup (f.flags, IBKR, "auto_approval")), ==,
                    TW_FLAG_LAYER_DEFAULT);
  g_assert_cmpuint (tw_flag_get_layer (tw_flags_lookup (f.flags, IBKR, "enable_mcp_server")), ==,
                    TW_FLAG_LAYER_FILE);

  /* Changed at runtime elsewhere: the file no longer decides it, and the page does not
   * pretend it does. */
  risk_scenario (&f.risk, "{\"name\": \"flag-change\", \"flag\": \"enable_mcp_server\", \"value\": true}");
  refresh (&f);
  g_assert_cmpuint (tw_flag_get_layer (tw_flags_lookup (f.flags, IBKR, "enable_mcp_server")), ==,
                    TW_FLAG_LAYER_UNKNOWN);
  g_assert_nonnull (strstr (tw_flag_get_layer_detail (tw_flags_lookup (f.flags, IBKR, "enable_mcp_server")),
                            "but the service reports on"));

  /* The service accepts the disable and keeps the flag on: said loudly, audited failed. */
  g_assert_false (change (&f, "live_trading_mode", "false", NULL, FALSE, 0, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "kept live_trading_mode on"));
  g_assert_nonnull (strstr (error->message, "LIVE_TRADING_MODE=true"));
  g_assert_cmpstr (tw_flag_get_value (live), ==, "true");

  rows = risk_audit_rows (&f.risk, "flags.disable");
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 1)), ==, TW_AUDIT_OUTCOME_FAILED);
  g_assert_cmpuint (tw_audit_record_get_http_status (g_ptr_array_index (rows, 1)), ==, 200);
  g_assert_nonnull (strstr (tw_audit_record_get_message (g_ptr_array_index (rows, 1)), "LIVE_TRADING_MODE"));
  teardown (&f);
  g_unsetenv ("TW_SIM_DATA_DIR");
}

static void
test_revert_after (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(TwAlertEngine) engine = NULL;
  TwAlert *alert;
  TwFlag *flag;

  setup (&f);
  engine = tw_alert_engine_new (f.risk.workspace, f.risk.monitor, f.risk.runner);
  tw_flags_set_alert_engine (f.flags, engine);
  refresh (&f);
  risk_clear_requests (&f.risk);
  flag = tw_flags_lookup (f.flags, IBKR, "enable_dashboard");

  /* Off for a second, then back on by itself. */
  g_assert_true (change (&f, "enable_dashboard", "false", "Headless during the incident", FALSE, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tw_flag_get_value (flag), ==, "false");
  g_assert_nonnull (tw_flag_get_revert_at (flag));
  tw_test_wait_until (g_strcmp0 (tw_flag_get_value (flag), "true") == 0 &&
                      tw_flags_get_n_in_flight (f.flags) == 0, 10000);
  g_assert_null (tw_flag_get_revert_at (flag));
  rows = risk_audit_rows (&f.risk, "flags.enable");
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 1)), ==, TW_AUDIT_OUTCOME_OK);
  g_assert_nonnull (strstr (tw_audit_record_get_reason (g_ptr_array_index (rows, 0)), "Scheduled revert"));
  g_clear_pointer (&rows, g_ptr_array_unref);
  /* Told, for an operator away from the window: one alert, and no "someone else". */
  g_assert_cmpuint (g_list_model_get_n_items (tw_alert_engine_get_history (engine)), ==, 1);
  alert = g_list_model_get_item (tw_alert_engine_get_history (engine), 0);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_INFO);
  g_assert_nonnull (strstr (tw_alert_get_title (alert), "reverted"));
  g_object_unref (alert);

  /* A cancelled revert never fires. */
  g_assert_true (change (&f, "enable_dashboard", "false", "Headless during the incident", FALSE, 1, &error));
  g_assert_no_error (error);
  g_assert_true (tw_flags_cancel_revert (f.flags, flag));
  g_assert_null (tw_flag_get_revert_at (flag));
  g_assert_false (tw_flags_cancel_revert (f.flags, flag));
  /* Wait past the revert's time through the simulator's own answers. */
  refresh (&f);
  {
    gint64 until = g_get_monotonic_time () + 1500 * G_TIME_SPAN_MILLISECOND;

    tw_test_wait_until (g_get_monotonic_time () > until, 5000);
  }
  refresh (&f);
  g_assert_cmpstr (tw_flag_get_value (flag), ==, "false");
  sent = risk_changing_requests (&f.risk, IBKR);
  g_assert_cmpuint (sent->len, ==, 3);
  rows = risk_audit_rows (&f.risk, "flags.revert.cancel");
  g_assert_cmpuint (rows->len, ==, 1);
  tw_flags_set_alert_engine (f.flags, NULL);
  g_assert_finalize_object (g_steal_pointer (&engine));
  teardown (&f);
}

static void
test_external_change (void)
{
  Fixture f;
  g_autoptr(TwAlertEngine) engine = NULL;
  GListModel *history;
  TwAlert *alert;
  guint changes = 0;

  setup (&f);
  engine = tw_alert_engine_new (f.risk.workspace, f.risk.monitor, f.risk.runner);
  tw_flags_set_alert_engine (f.flags, engine);
  history = tw_alert_engine_get_history (engine);
  refresh (&f);
  g_signal_connect_swapped (f.flags, "external-change", G_CALLBACK (g_atomic_int_inc), &changes);

  /* Someone turns live trading on elsewhere. */
  risk_scenario (&f.risk, "{\"name\": \"flag-change\", \"flag\": \"live_trading_mode\", \"value\": true}");
  refresh (&f);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  alert = g_list_model_get_item (history, 0);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_true (tw_alert_get_offers_halt (alert));
  g_assert_cmpstr (tw_alert_get_page (alert), ==, "flags");
  g_object_unref (alert);
  /* More polls: still one alert. */
  refresh (&f);
  refresh (&f);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);

  /* Turned off elsewhere: toward safety, a warning. */
  risk_scenario (&f.risk, "{\"name\": \"flag-change\", \"flag\": \"live_trading_mode\", \"value\": false}");
  refresh (&f);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  alert = g_list_model_get_item (history, 0);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_WARNING);
  g_assert_false (tw_alert_get_offers_halt (alert));
  g_object_unref (alert);

  /* Our own change is not someone else's. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (change (&f, "new_risk_rules", "true", "A/B test of the new policy", FALSE, 0, &error));
    g_assert_no_error (error);
  }
  refresh (&f);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  tw_flags_set_alert_engine (f.flags, NULL);
  g_assert_finalize_object (g_steal_pointer (&engine));
  teardown (&f);
}

/* The profile names the service's files; they survive a save. */
static void
test_profile_files (void)
{
  static const char data[] =
    "[Profile]\nName=desk\nMode=paper\n\n"
    "[Service ibkr]\nConnector=ibkr-assistant\nBaseUrl=http://127.0.0.1:8000\n"
    "EnvFile=/srv/ibkr/.env\nFlagsFile=/srv/ibkr/feature_flags.json\n";
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(TwProfile) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  TwService *service;

  profile = tw_profile_load_from_data (data, "desk.conf", &error);
  g_assert_no_error (error);
  service = tw_profile_lookup_service (profile, "ibkr");
  g_assert_cmpstr (tw_service_get_env_file (service), ==, "/srv/ibkr/.env");
  g_assert_cmpstr (tw_service_get_flags_file (service), ==, "/srv/ibkr/feature_flags.json");
  saved = tw_profile_to_data (profile);
  again = tw_profile_load_from_data (saved, "desk.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tw_service_get_env_file (tw_profile_lookup_service (again, "ibkr")), ==, "/srv/ibkr/.env");
  g_assert_cmpstr (tw_service_get_flags_file (tw_profile_lookup_service (again, "ibkr")), ==,
                   "/srv/ibkr/feature_flags.json");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/flags/list", test_list);
  g_test_add_func ("/tw/core/flags/profile-files", test_profile_files);
  g_test_add_func ("/tw/core/flags/enable-disable", test_enable_disable);
  g_test_add_func ("/tw/core/flags/number", test_number);
  g_test_add_func ("/tw/core/flags/guard-refuses", test_guard_refuses);
  g_test_add_func ("/tw/core/flags/guard-policy", test_live_profile_needs_profile_name);
  g_test_add_func ("/tw/core/flags/env-pinned", test_env_pinned);
  g_test_add_func ("/tw/core/flags/file-deep", test_flags_file_deep);
  g_test_add_func ("/tw/core/flags/revert-after", test_revert_after);
  g_test_add_func ("/tw/core/flags/external-change", test_external_change);

  return g_test_run ();
}
