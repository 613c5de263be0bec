/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-risk-fixture.h"

#include "tw-guard-live.h"
#include "tw-profile.h"

static const char *flavors[] = TW_SIM_FLAVORS;

static const struct { const char *id, *name; } names[] = {
  { "investiq",       "InvestIQ" },
  { "ibkr-assistant", "IBKR assistant" },
  { "ai-trading",     "AI trading" },
  { "autotrader",     "Autotrader" },
  { "alpaca",         "Alpaca" },
};

static const char *
credential_for (TwSimThread        *sim,
                const TwSecretSpec *spec)
{
  static const struct { const char *env, *name; } map[] = {
    { "API_KEYS",          "api_key" },
    { "LIVE_TRADING_KEY",  "live_trading_key" },
    { "ALPACA_API_KEY",    "alpaca_key_id" },
    { "ALPACA_SECRET_KEY", "alpaca_secret" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    for (guint j = 0; j < spec->env_variables->len; j++)
      if (g_strcmp0 (((TwEnvVariable *) g_ptr_array_index (spec->env_variables, j))->name,
                     map[i].env) == 0)
        return tw_sim_thread_get_credential (sim, map[i].name);
  return NULL;
}

void
risk_store_secrets (RiskFixture *f,
                    const char  *profile_name,
                    const char  *service_id)
{
  TwConnector *connector = tw_connector_registry_lookup (f->registry, service_id);
  GPtrArray *specs;

  g_assert_nonnull (connector);
  specs = tw_connector_get_secrets (connector);
  for (guint i = 0; i < specs->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (specs, i);
      const char *value = credential_for (f->sim, spec);
      g_autoptr(GError) error = NULL;

      if (value == NULL)
        continue;
      g_assert_true (tw_secrets_store_sync (f->secrets, profile_name, service_id, spec->name,
                                            value, NULL, &error));
      g_assert_no_error (error);
    }
}

void
risk_fixture_setup (RiskFixture *f,
                    TwMode       mode,
                    guint        interval_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = g_build_filename (g_get_user_state_dir (), "sim", NULL);

  /* The simulated kill switch persists in a file: one per test (isolated dirs). */
  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0700), ==, 0);
  g_setenv ("TW_SIM_STATE_DIR", state_dir, TRUE);
  f->sim = tw_test_sim_start ();
  f->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (f->registry);
  f->secrets = tw_secrets_new_memory ();
  f->http = tw_http_new ();
  f->profile = tw_profile_new (RISK_PROFILE, mode);

  for (guint i = 0; flavors[i] != NULL; i++)
    {
      g_autoptr(TwService) service = tw_service_new (flavors[i], flavors[i],
                                                     tw_sim_thread_get_url (f->sim, flavors[i]));

      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        if (g_str_equal (names[j].id, flavors[i]))
          tw_service_set_name (service, names[j].name);
      /* The services' second addresses (issue 15): 001's rate gate, 000's ML service. */
      if (g_str_equal (flavors[i], "ai-trading"))
        tw_service_set_setting (service, "RateGateUrl", tw_sim_thread_get_url (f->sim, TW_SIM_FLAVOR_RATE_GATE));
      else if (g_str_equal (flavors[i], "investiq"))
        tw_service_set_setting (service, "MlServiceUrl", tw_sim_thread_get_url (f->sim, TW_SIM_FLAVOR_ML_SERVICE));
      tw_profile_add_service (f->profile, service);
      risk_store_secrets (f, RISK_PROFILE, flavors[i]);
    }

  f->workspace = tw_workspace_new (f->profile, f->registry, f->http, f->secrets);
  tw_workspace_set_poll_interval (f->workspace, interval_ms);

  f->audit = tw_audit_log_open (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->audit);

  f->monitor = tw_risk_monitor_new (f->workspace);
  f->runner = tw_action_runner_new (f->workspace, f->audit);
  tw_action_runner_set_risk_monitor (f->runner, f->monitor);
}

/* GTask's worker threads drop their reference on the source object (runner, audit log)
 * just after the callback ran in the main thread: wait for that before asserting the
 * finalization. */
void
risk_wait_last_ref (gpointer object)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&G_OBJECT (object)->ref_count) > 1 &&
         g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
risk_fixture_teardown (RiskFixture *f)
{
  tw_risk_monitor_stop (f->monitor);
  tw_workspace_stop (f->workspace);
  risk_wait_last_ref (f->runner);
  g_assert_finalize_object (g_steal_pointer (&f->runner));
  g_assert_finalize_object (g_steal_pointer (&f->monitor));
  g_assert_finalize_object (g_steal_pointer (&f->workspace));
  risk_wait_last_ref (f->audit);
  g_assert_finalize_object (g_steal_pointer (&f->audit));
  g_clear_object (&f->profile);
  g_clear_object (&f->http);
  g_clear_object (&f->secrets);
  g_clear_object (&f->registry);
  tw_sim_thread_stop (f->sim);
}

void
risk_scenario (RiskFixture *f,
               const char  *json)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (f->sim, "investiq", "POST", "/_sim/scenario", json, &status);
  if (status != 200)
    g_error ("Scenario %s answered %u", json, status);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer));
  g_assert_true (json_object_get_boolean_member (json_node_get_object (answer), "ok"));
}

void
risk_clear_requests (RiskFixture *f)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (f->sim, "investiq", "DELETE", "/_sim/requests", NULL, &status);
  g_assert_cmpuint (status / 100, ==, 2);
}

GPtrArray *
risk_changing_requests (RiskFixture *f,
                        const char  *flavor)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (f->sim);
  JsonArray *array = json_node_get_array (log);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      const char *method = json_object_get_string_member (entry, "method");
      const char *path = json_object_get_string_member (entry, "path");

      if (g_str_equal (method, "GET") || g_str_has_prefix (path, "/_sim"))
        continue;
      if (flavor != NULL && g_strcmp0 (json_object_get_string_member (entry, "flavor"), flavor) != 0)
        continue;
      g_ptr_array_add (out, json_object_ref (entry));
    }
  return out;
}

static gboolean
on_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
risk_wait (gboolean (*check) (gpointer data),
           gpointer   data,
           guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint wake = g_timeout_add (20, on_wake, NULL);
  gboolean ok;

  while (!(ok = check (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

typedef struct
{
  GPtrArray *states;    /* TwTradingState */
  GArray    *answers;   /* guint, answers seen per state */
  guint      n;
} AnswerWait;

static void
on_state_answered (TwTradingState *state,
                   GParamSpec     *pspec,
                   AnswerWait     *wait)
{
  guint i;

  if (g_ptr_array_find (wait->states, state, &i))
    g_array_index (wait->answers, guint, i)++;
}

static gboolean
all_answered (gpointer data)
{
  AnswerWait *wait = data;

  for (guint i = 0; i < wait->answers->len; i++)
    if (g_array_index (wait->answers, guint, i) < wait->n)
      return FALSE;
  return TRUE;
}

gboolean
risk_wait_answers (RiskFixture *f,
                   const char  *service_id,
                   guint        n,
                   guint        timeout_ms)
{
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) answers = g_array_new (FALSE, TRUE, sizeof (guint));
  AnswerWait wait = { states, answers, n };
  gboolean ok;

  if (service_id != NULL)
    g_ptr_array_add (states, g_object_ref (risk_state (f, service_id)));
  else
    {
      GListModel *all = tw_risk_monitor_get_states (f->monitor);

      /* A service with nothing to poll for its trading state (the AI Trading System has
       * no read-back) never answers: the others' answers prove the quiet period. */
      for (guint i = 0; i < g_list_model_get_n_items (all); i++)
        {
          g_autoptr(TwTradingState) state = g_list_model_get_item (all, i);

          if (tw_trading_state_get_polled (state))
            g_ptr_array_add (states, g_steal_pointer (&state));
        }
    }
  g_assert_cmpuint (states->len, >, 0);
  g_array_set_size (answers, states->len);
  for (guint i = 0; i < states->len; i++)
    g_signal_connect (g_ptr_array_index (states, i), "notify::updated-at",
                      G_CALLBACK (on_state_answered), &wait);
  /* The next answers now, not after a poll interval. */
  tw_risk_monitor_refresh (f->monitor);
  ok = risk_wait (all_answered, &wait, timeout_ms);
  for (guint i = 0; i < states->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (states, i), &wait);
  return ok;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

JsonNode *
risk_run (RiskFixture     *f,
          TwGuardRequest  *request,
          const char      *service_id,
          const char      *operation,
          GHashTable      *vars,
          TwHttpResponse **response,
          GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tw_action_runner_run_async (f->runner, request, service_id, operation, vars, NULL,
                              on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 10000));
  return tw_action_runner_run_finish (f->runner, result, response, error);
}

TwGuardRequest *
risk_resume_request (RiskFixture *f,
                     const char  *service_id)
{
  TwGuardRequest *request = tw_action_runner_new_request (f->runner, "trading.resume", service_id);

  tw_guard_request_set_reason (request, "Root cause fixed: bad feed replaced, tests green");
  tw_guard_request_set_breaker_kind (request, "loss");
  /* Only the operator's items: health and broker are the runner's to work out. */
  tw_guard_request_set_checked (request, TW_GUARD_CHECK_ROOT_CAUSE, TRUE);
  tw_guard_request_set_checked (request, TW_GUARD_CHECK_TRADES_REVIEWED, TRUE);
  return request;
}

static gboolean
check_healthy (gpointer data)
{
  return tw_guard_live_health_green (data, NULL);
}

gboolean
risk_wait_healthy (RiskFixture *f,
                   guint        timeout_ms)
{
  /* Health is polled only while the workspace runs. */
  tw_workspace_start (f->workspace);
  tw_workspace_refresh (f->workspace);
  return risk_wait (check_healthy, f->workspace, timeout_ms);
}

GPtrArray *
risk_halt_all (RiskFixture *f,
               const char  *reason)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  tw_action_runner_halt_all_async (f->runner, reason, NULL, on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 10000));
  results = tw_action_runner_halt_all_finish (f->runner, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

GPtrArray *
risk_audit_rows (RiskFixture *f,
                 const char  *action)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  filter.action = action;
  rows = tw_audit_log_query (f->audit, &filter, NULL, &error);
  g_assert_no_error (error);
  n = g_list_model_get_n_items (rows);
  for (guint i = n; i > 0; i--)
    g_ptr_array_add (out, g_list_model_get_item (rows, i - 1));
  return out;
}

void
risk_assert_audit_valid (RiskFixture *f)
{
  g_autoptr(GError) error = NULL;
  guint64 n_rows = 0;
  gint64 bad_row = -1;

  g_assert_true (tw_audit_log_verify (f->audit, &n_rows, &bad_row, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bad_row, ==, 0);
  g_assert_cmpuint (n_rows, >, 0);
}

TwTradingState *
risk_state (RiskFixture *f,
            const char  *service_id)
{
  TwTradingState *state = tw_risk_monitor_lookup (f->monitor, service_id);

  g_assert_nonnull (state);
  return state;
}

typedef struct
{
  TwTradingState *state;
  gboolean        halted;
} HaltedCheck;

static gboolean
state_polled (TwTradingState *state)
{
  g_autoptr(GDateTime) updated_at = NULL;

  g_object_get (state, "updated-at", &updated_at, NULL);
  return updated_at != NULL;
}

static gboolean
check_halted (gpointer data)
{
  HaltedCheck *check = data;

  return state_polled (check->state) &&
         tw_trading_state_is_halted (check->state) == check->halted;
}

gboolean
risk_wait_halted (RiskFixture *f,
                  const char  *service_id,
                  gboolean     halted,
                  guint        timeout_ms)
{
  HaltedCheck check = { risk_state (f, service_id), halted };

  tw_risk_monitor_refresh (f->monitor);
  return risk_wait (check_halted, &check, timeout_ms);
}

const RiskHalting risk_halting[RISK_N_HALTING] = {
  { "investiq",       "POST",  "/api/risk/trading-halt" },
  { "ibkr-assistant", "POST",  "/api/v1/kill-switch/activate" },
  { "ai-trading",     "POST",  "/api/trading/disable" },
  { "alpaca",         "PATCH", "/v2/account/configurations" },
};

guint
risk_count_rows (GPtrArray      *rows,
                 TwAuditOutcome  outcome)
{
  guint n = 0;

  for (guint i = 0; i < rows->len; i++)
    if (tw_audit_record_get_outcome (g_ptr_array_index (rows, i)) == outcome)
      n++;
  return n;
}

void
risk_assert_audit_pairs (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      TwAuditRecord *row = g_ptr_array_index (rows, i);
      gboolean found = FALSE;

      if (tw_audit_record_get_outcome (row) == TW_AUDIT_OUTCOME_REQUESTED ||
          tw_audit_record_get_request_id (row) == 0)
        continue;
      for (guint j = 0; j < i; j++)
        {
          TwAuditRecord *request = g_ptr_array_index (rows, j);

          if (tw_audit_record_get_id (request) == tw_audit_record_get_request_id (row))
            {
              g_assert_cmpint (tw_audit_record_get_outcome (request), ==, TW_AUDIT_OUTCOME_REQUESTED);
              g_assert_cmpstr (tw_audit_record_get_target (request), ==, tw_audit_record_get_target (row));
              found = TRUE;
            }
        }
      g_assert_true (found);
    }
}
