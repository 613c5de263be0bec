/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tradewarden halt: the session's Halt All (the window's and the notifications' path),
 * then every service's trading state read back. */
#include "config.h"

#include <stdio.h>

#include "tw-cli-private.h"
#include "tw-command.h"

#define HALT_USAGE \
  "usage: tradewarden halt [--profile NAME | --demo] [--reason TEXT] [--json]  (halts every " \
  "service of the profile that can halt, audited, no confirmation; exit 0 when each of them " \
  "halted, 1 when any did not, 2 on a usage error)"

/* A trading state whose "since" is this much older than our halt was halted before it. */
#define CLOCK_SKEW_US (2 * G_USEC_PER_SEC)

typedef enum
{
  OUTCOME_HALTED,
  OUTCOME_ALREADY_HALTED,
  OUTCOME_NOT_CONFIRMED,   /* acknowledged, but it still reports trading */
  OUTCOME_FAILED,          /* answered with an error */
  OUTCOME_UNKNOWN,         /* no answer */
  OUTCOME_CANNOT,          /* no halt operation here */
} Outcome;

static const char * const outcome_words[] = {
  "halted", "already-halted", "not-confirmed", "failed", "unknown", "cannot-halt",
};

static gboolean
outcome_is_failure (Outcome outcome)
{
  return outcome == OUTCOME_NOT_CONFIRMED || outcome == OUTCOME_FAILED || outcome == OUTCOME_UNKNOWN;
}

static void
halted_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *wait = user_data;
  GError *error = NULL;
  GPtrArray *results = tw_session_halt_all_finish (TW_SESSION (object), result, &error);

  if (results != NULL)
    g_task_return_pointer (wait, results, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (wait, error);
}

static TwActionResult *
find_result (GPtrArray  *results,
             const char *service_id)
{
  for (guint i = 0; i < results->len; i++)
    {
      TwActionResult *result = g_ptr_array_index (results, i);

      if (g_strcmp0 (tw_action_result_get_service_id (result), service_id) == 0)
        return result;
    }
  return NULL;
}

/* What to do instead, for a service this console cannot halt. */
static char *
cannot_halt_advice (TwSession *session,
                    TwService *service)
{
  TwClient *client = tw_workspace_get_client (tw_session_get_workspace (session), tw_service_get_id (service));

  if (client == NULL)
    return g_strdup_printf ("its connector “%s” is not installed: halt it where it runs, as its "
                            "runbook says", tw_service_get_connector_id (service));
  if (tw_client_has_operation (client, "killswitch.activate"))
    return g_strdup ("its connector has no halt but a kill switch: activate it from the console’s "
                     "Breakers page, or as its runbook says");
  return g_strdup ("its connector has no halt operation: stop its trading where it runs, as its "
                   "runbook says");
}

/* A service run by local commands (the cron bot): it always answers. */
static gboolean
runs_commands (TwSession *session,
               TwService *service)
{
  TwClient *client = tw_workspace_get_client (tw_session_get_workspace (session),
                                              tw_service_get_id (service));

  return client != NULL && tw_connector_is_commands (tw_client_get_connector (client));
}

/* What the service says after the halt: its outcome and one line for people. */
static Outcome
judge (TwSession       *session,
       TwService       *service,
       TwActionResult  *result,
       GDateTime       *sent_at,
       const char      *sent_reason,
       char           **line)
{
  TwTradingState *state = _tw_cli_trading_state (session, service);
  const char *message = result != NULL ? tw_action_result_get_message (result) : NULL;
  g_autofree char *last_error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *by = NULL;
  g_autofree char *since = NULL;
  g_autofree char *readback = NULL;
  g_autofree char *answered = NULL;

  /* Halt All names every service: one it cannot halt comes back as unsupported. */
  if (result == NULL || tw_action_result_get_outcome (result) == TW_ACTION_OUTCOME_UNSUPPORTED)
    {
      *line = cannot_halt_advice (session, service);
      return OUTCOME_CANNOT;
    }
  if (!tw_action_result_get_ok (result))
    {
      /* No HTTP at all (a service run by commands): a definite failure, said as is. */
      if (tw_action_result_get_http_status (result) == 0 &&
          tw_action_result_get_outcome (result) == TW_ACTION_OUTCOME_FAILED &&
          !tw_action_result_get_read_back (result) && message != NULL &&
          runs_commands (session, service))
        {
          *line = g_strdup_printf ("failed: %s", message);
          return OUTCOME_FAILED;
        }
      if (tw_action_result_get_http_status (result) == 0)
        {
          *line = g_strdup_printf ("no answer, so it may still be trading: %s",
                                   message != NULL ? message : "the request was not answered");
          return OUTCOME_UNKNOWN;
        }
      *line = g_strdup_printf ("HTTP %u: %s", tw_action_result_get_http_status (result),
                               message != NULL ? message : "no message");
      return OUTCOME_FAILED;
    }

  answered = tw_action_result_get_http_status (result) != 0
             ? g_strdup_printf ("HTTP %u", tw_action_result_get_http_status (result))
             : g_strdup ("commands run");
  if (state != NULL)
    g_object_get (state, "last-error", &last_error, "reason", &reason, "by", &by, NULL);
  if (state != NULL && tw_trading_state_get_since (state) != NULL)
    since = g_date_time_format (tw_trading_state_get_since (state), "%Y-%m-%d %H:%M:%S");

  if (state == NULL || (!_tw_cli_reports_mode (session, service)
                        && !tw_trading_state_get_kill_switch_supported (state)))
    {
      *line = g_strdup_printf ("acknowledged (%s, %.0f ms); this service does not report "
                               "its trading state, so it was not read back",
                               answered,
                               tw_action_result_get_latency_ms (result));
      return OUTCOME_HALTED;
    }
  if (last_error != NULL)
    {
      *line = g_strdup_printf ("acknowledged (%s, %.0f ms), but its state could not be read "
                               "back: %s", answered,
                               tw_action_result_get_latency_ms (result), last_error);
      return OUTCOME_HALTED;
    }

  readback = g_strdup_printf ("it reports %s%s%s%s%s%s%s", _tw_cli_mode_word (state),
                              reason != NULL ? " — " : "", reason != NULL ? reason : "",
                              since != NULL ? ", since " : "", since != NULL ? since : "",
                              by != NULL ? ", by " : "", by != NULL ? by : "");
  if (!tw_trading_state_is_halted (state))
    {
      *line = g_strdup_printf ("acknowledged (%s), but %s", answered,
                               readback);
      return OUTCOME_NOT_CONFIRMED;
    }
  /* Halted before ours came: its reason is someone else's, or it was halted since before. */
  if ((reason != NULL && g_strcmp0 (reason, sent_reason) != 0)
      || (tw_trading_state_get_since (state) != NULL
          && g_date_time_difference (sent_at, tw_trading_state_get_since (state)) > CLOCK_SKEW_US))
    {
      *line = g_steal_pointer (&readback);
      return OUTCOME_ALREADY_HALTED;
    }
  *line = g_strdup_printf ("%s, %.0f ms; %s", answered,
                           tw_action_result_get_latency_ms (result), readback);
  return OUTCOME_HALTED;
}

int
_tw_cli_halt_main (int    argc,
                   char **argv)
{
  g_autofree char *profile = NULL;
  g_autofree char *reason = NULL;
  gboolean demo = FALSE;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      "Saved profile to halt (default: the one the console last had open)", "NAME" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Halt the built-in simulator (the demo profile)", NULL },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
      "Why (sent to each service and audited; default “Halted from Trade Warden by USER”)", "TEXT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per service, in an array, on stdout", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GTask) wait = NULL;
  g_autoptr(GDateTime) sent_at = NULL;
  const char *sent_reason;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean color = _tw_cli_use_color ();
  TwCliOpen open;
  GListModel *services;
  guint n, n_bad = 0, n_can = 0;
  guint width = 0;
  int status;

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  if (g_get_prgname () == NULL)
    g_set_prgname ("tradewarden halt");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, HALT_USAGE);
  if (!g_option_context_parse_strv (context, &args, &error))
    return _tw_cli_usage ("%s. %s", error->message, HALT_USAGE);
  if (g_strv_length (args) > 2)
    return _tw_cli_usage ("halt takes no argument “%s”. %s", args[2], HALT_USAGE);

  status = _tw_cli_open (&open, profile, demo, json);
  if (status != TW_CLI_EXIT_OK)
    return status;

  /* The safe direction: sent at once, no confirmation. */
  if (reason == NULL || *reason == '\0')
    {
      g_free (reason);
      reason = tw_action_runner_default_reason ("trading.halt_all");
    }
  sent_reason = reason;
  sent_at = g_date_time_new_now_local ();
  wait = g_task_new (NULL, NULL, NULL, NULL);
  tw_session_halt_all_async (open.session, reason, NULL, halted_cb, wait);
  while (!g_task_get_completed (wait))
    g_main_context_iteration (NULL, TRUE);
  results = g_task_propagate_pointer (wait, &error);
  if (results == NULL)
    {
      const GError *audit_error = tw_session_get_audit_log_error (open.session);

      /* Say why there is no audit log, not only that there is none. */
      if (audit_error != NULL)
        g_prefix_error (&error, "%s: ", audit_error->message);
      status = _tw_cli_fail (json, error);
      _tw_cli_close (&open);
      return status;
    }

  /* What each service says now. */
  _tw_cli_poll_once (open.session);

  services = tw_workspace_get_services (tw_session_get_workspace (open.session));
  n = g_list_model_get_n_items (services);
  /* Halt All names every service; those it could not halt from here are "unsupported". */
  for (guint i = 0; i < results->len; i++)
    if (tw_action_result_get_outcome (g_ptr_array_index (results, i)) != TW_ACTION_OUTCOME_UNSUPPORTED)
      n_can++;
  if (!json)
    printf ("Halt All on profile %s: %u service(s) can halt, %u in the profile\n\n",
            tw_profile_get_name (tw_session_get_profile (open.session)), n_can, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      width = MAX (width, (guint) g_utf8_strlen (tw_service_get_name (service), -1));
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwActionResult *result = find_result (results, tw_service_get_id (service));
      g_autofree char *line = NULL;
      Outcome outcome = judge (open.session, service, result, sent_at, sent_reason, &line);

      n_bad += outcome_is_failure (outcome);
      if (json)
        {
          TwTradingState *state = _tw_cli_trading_state (open.session, service);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, tw_service_get_id (service));
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, tw_service_get_name (service));
          json_builder_set_member_name (builder, "result");
          json_builder_add_string_value (builder, outcome_words[outcome]);
          json_builder_set_member_name (builder, "halted");
          json_builder_add_boolean_value (builder, outcome == OUTCOME_HALTED || outcome == OUTCOME_ALREADY_HALTED);
          json_builder_set_member_name (builder, "detail");
          json_builder_add_string_value (builder, line);
          json_builder_set_member_name (builder, "http_status");
          if (result != NULL && tw_action_result_get_http_status (result) != 0)
            json_builder_add_int_value (builder, tw_action_result_get_http_status (result));
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "trading_state");
          if (state != NULL)
            {
              g_autofree char *last_error = NULL;

              g_object_get (state, "last-error", &last_error, NULL);
              json_builder_add_string_value (builder, last_error != NULL ? "unknown" : _tw_cli_mode_word (state));
            }
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      else
        {
          g_autofree char *word = g_strdelimit (g_ascii_strup (outcome_words[outcome], -1), "-", ' ');
          g_autofree char *painted = NULL;

          /* Red for what must be acted on, green for halted; "cannot halt" plain. */
          if (color && outcome != OUTCOME_CANNOT)
            painted = g_strdup_printf ("\033[1;%sm%s\033[0m", outcome_is_failure (outcome) ? "31" : "32", word);
          /* Padded by characters: names may hold “é” and the like. */
          printf ("%s%*s  %s — %s\n", tw_service_get_name (service),
                  (int) (width - g_utf8_strlen (tw_service_get_name (service), -1)), "",
                  painted != NULL ? painted : word, line);
        }
    }
  json_builder_end_array (builder);
  /* Nothing could be halted from here: nothing is known to have stopped. */
  if (n_can == 0 && n > 0)
    n_bad++;
  if (json)
    _tw_cli_print_json (builder);
  else if (n_can == 0 && n > 0)
    printf ("\nNo service of this profile can be halted from here: stop each as its line says.\n");
  else
    printf ("\n%s\n", n_bad == 0 ? "Every service that can halt is halted."
                                 : "NOT every service halted: trading may still be running.");
  fflush (stdout);

  _tw_cli_close (&open);
  return n_bad == 0 ? TW_CLI_EXIT_OK : TW_CLI_EXIT_FAILURE;
}
