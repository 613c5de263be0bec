/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What `tradewarden status` and `tradewarden halt` say about one service: its health, its
 * trading state, its breakers and kill switch, as text for people or as JSON. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tw-cli-private.h"
#include "tw-component.h"

#define TRADING_STATUS "trading.status"

/* Colour for a terminal only, and never when NO_COLOR is set (no-color.org). */
gboolean
_tw_cli_use_color (void)
{
  return isatty (fileno (stdout)) && g_getenv ("NO_COLOR") == NULL;
}

static const char *
paint (gboolean    color,
       gboolean    good,
       const char *text,
       char      **owned)
{
  if (!color)
    return text;
  *owned = g_strdup_printf ("\033[1;%sm%s\033[0m", good ? "32" : "31", text);
  return *owned;
}

static TwClient *
client_of (TwSession *session,
           TwService *service)
{
  return tw_workspace_get_client (tw_session_get_workspace (session), tw_service_get_id (service));
}

TwTradingState *
_tw_cli_trading_state (TwSession *session,
                       TwService *service)
{
  return tw_risk_monitor_lookup (tw_session_get_risk_monitor (session), tw_service_get_id (service));
}

gboolean
_tw_cli_reports_mode (TwSession *session,
                      TwService *service)
{
  TwClient *client = client_of (session, service);

  return client != NULL && tw_client_has_operation (client, TRADING_STATUS);
}

/* "ACTIVE", "HALTED", … as the status line shows it; "unknown" when not read. */
const char *
_tw_cli_mode_word (TwTradingState *state)
{
  if (tw_trading_state_is_halted (state))
    return "HALTED";
  switch (tw_trading_state_get_mode (state))
    {
    case TW_TRADING_ACTIVE:   return "ACTIVE";
    case TW_TRADING_REDUCING: return "REDUCING";
    case TW_TRADING_HALTED:   return "HALTED";
    case TW_TRADING_UNKNOWN:
    default:                  return "unknown";
    }
}

static char *
format_time (GDateTime *time,
             gboolean   iso)
{
  if (time == NULL)
    return NULL;
  if (iso)
    return g_date_time_format_iso8601 (time);
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
}

static char *
format_amount (double      value,
               const char *unit)
{
  if (g_strcmp0 (unit, "percent") == 0)
    return g_strdup_printf ("%.2f %%", value);
  return g_strdup_printf ("%.0f", value);
}

static const char *
breaker_name (TwBreaker *breaker)
{
  return tw_breaker_get_label (breaker) != NULL ? tw_breaker_get_label (breaker)
                                                : tw_breaker_get_id (breaker);
}

/* Why a service is not "OK and trading", one short phrase each; empty when it is. */
GPtrArray *
_tw_cli_service_problems (TwSession *session,
                          TwService *service)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  GListModel *components = tw_service_get_components (service);
  TwTradingState *state = _tw_cli_trading_state (session, service);
  TwServiceState health = tw_service_get_state (service);

  if (client_of (session, service) == NULL)
    g_ptr_array_add (problems, g_strdup_printf ("its connector “%s” is not installed",
                                                tw_service_get_connector_id (service)));
  else if (health != TW_SERVICE_STATE_OK)
    g_ptr_array_add (problems, g_strdup_printf ("health %s", tw_service_state_to_string (health)));
  else if (tw_service_get_stale (service))
    g_ptr_array_add (problems, g_strdup ("health stale"));

  for (guint i = 0; i < g_list_model_get_n_items (components); i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (components, i);

      if (tw_component_get_health (component) != TW_HEALTH_OK)
        g_ptr_array_add (problems, g_strdup_printf ("%s %s", tw_component_get_name (component),
                                                    tw_health_to_string (tw_component_get_health (component))));
    }

  if (state == NULL)
    return problems;

  {
    g_autofree char *last_error = NULL;
    GListModel *breakers = tw_trading_state_get_breakers (state);

    g_object_get (state, "last-error", &last_error, NULL);
    if (last_error != NULL)
      g_ptr_array_add (problems, g_strdup ("trading state not read"));
    if (tw_trading_state_is_halted (state))
      g_ptr_array_add (problems, g_strdup ("trading HALTED"));
    else if (_tw_cli_reports_mode (session, service) && last_error == NULL
             && tw_trading_state_get_mode (state) != TW_TRADING_ACTIVE)
      g_ptr_array_add (problems, g_strdup_printf ("trading %s", _tw_cli_mode_word (state)));
    if (tw_trading_state_get_kill_switch_active (state))
      g_ptr_array_add (problems, g_strdup ("kill switch active"));

    for (guint i = 0; i < g_list_model_get_n_items (breakers); i++)
      {
        g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);

        if (tw_breaker_is_tripped (breaker))
          g_ptr_array_add (problems, g_strdup_printf ("breaker %s tripped", tw_breaker_get_id (breaker)));
        else if (tw_breaker_get_state (breaker) == TW_BREAKER_HALF_OPEN)
          g_ptr_array_add (problems, g_strdup_printf ("breaker %s half-open", tw_breaker_get_id (breaker)));
      }
  }
  return problems;
}

/* Human output */

static void
print_health (TwService *service,
              gboolean   color)
{
  TwServiceState state = tw_service_get_state (service);
  GListModel *components = tw_service_get_components (service);
  g_autofree char *painted = NULL;
  GString *line = g_string_new (NULL);
  guint width = 0;

  g_string_append (line, paint (color, state == TW_SERVICE_STATE_OK,
                                tw_service_state_to_string (state), &painted));
  if (tw_service_get_status_text (service) != NULL)
    g_string_append_printf (line, " (“%s”)", tw_service_get_status_text (service));
  if (tw_service_get_latency_ms (service) >= 0)
    g_string_append_printf (line, ", %.0f ms", tw_service_get_latency_ms (service));
  if (tw_service_get_stale (service))
    g_string_append (line, ", STALE");
  printf ("  %-12s %s\n", "Health", line->str);
  g_string_free (line, TRUE);
  if (state != TW_SERVICE_STATE_OK && tw_service_get_last_error (service) != NULL)
    {
      g_autofree char *error = g_strdelimit (g_strdup (tw_service_get_last_error (service)), "\n", ' ');

      printf ("  %-12s %s\n", "", error);
    }

  for (guint i = 0; i < g_list_model_get_n_items (components); i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (components, i);

      width = MAX (width, strlen (tw_component_get_name (component)));
    }
  for (guint i = 0; i < g_list_model_get_n_items (components); i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (components, i);
      TwHealth health = tw_component_get_health (component);
      g_autofree char *word = NULL;

      printf ("    %-*s  %s", (int) width, tw_component_get_name (component),
              paint (color, health == TW_HEALTH_OK, tw_health_to_string (health), &word));
      if (tw_component_get_latency_ms (component) >= 0)
        printf (", %.0f ms", tw_component_get_latency_ms (component));
      if (tw_component_get_detail (component) != NULL)
        printf (" — %s", tw_component_get_detail (component));
      else if (tw_component_get_status (component) != NULL)
        printf (" — %s", tw_component_get_status (component));
      printf ("\n");
    }
}

static void
print_trading (TwSession      *session,
               TwService      *service,
               TwTradingState *state,
               gboolean        color)
{
  g_autofree char *last_error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *by = NULL;
  g_autofree char *since = NULL;
  g_autofree char *painted = NULL;
  GListModel *breakers = tw_trading_state_get_breakers (state);
  const char *word = _tw_cli_mode_word (state);
  guint n = g_list_model_get_n_items (breakers);
  guint width = 0;

  g_object_get (state, "last-error", &last_error, "reason", &reason, "by", &by, NULL);
  since = format_time (tw_trading_state_get_since (state), FALSE);

  if (last_error != NULL)
    {
      g_autofree char *error = g_strdelimit (g_strdup (last_error), "\n", ' ');

      printf ("  %-12s %s — not read: %s\n", "Trading", paint (color, FALSE, "unknown", &painted), error);
    }
  else if (!_tw_cli_reports_mode (session, service) && !tw_trading_state_is_halted (state))
    printf ("  %-12s not reported by this service\n", "Trading");
  else
    {
      printf ("  %-12s %s", "Trading", paint (color, g_str_equal (word, "ACTIVE"), word, &painted));
      if (reason != NULL)
        printf (" — %s", reason);
      if (since != NULL)
        printf (", since %s", since);
      if (by != NULL)
        printf (", by %s", by);
      printf ("\n");
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);

      width = MAX (width, g_utf8_strlen (breaker_name (breaker), -1));
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);
      g_autofree char *value = format_amount (tw_breaker_get_value (breaker), tw_breaker_get_unit (breaker));
      g_autofree char *limit = tw_breaker_get_limit (breaker) > 0
                               ? format_amount (tw_breaker_get_limit (breaker), tw_breaker_get_unit (breaker))
                               : NULL;
      g_autofree char *amount = NULL;
      g_autofree char *state_word = NULL;
      const char *name = breaker_name (breaker);
      gboolean tripped = tw_breaker_is_tripped (breaker);

      /* A data source's breaker counts failures; its limit, when known, is where it opens. */
      if (g_strcmp0 (tw_breaker_get_kind (breaker), "source") == 0 && limit != NULL)
        amount = g_strdup_printf ("%u of %s failures", tw_breaker_get_failure_count (breaker), limit);
      else if (g_strcmp0 (tw_breaker_get_kind (breaker), "source") == 0)
        amount = g_strdup_printf ("%u failures", tw_breaker_get_failure_count (breaker));
      else if (limit != NULL)
        amount = g_strdup_printf ("%s of %s", value, limit);
      else
        amount = g_strdup_printf ("%s (no limit)", value);
      /* Pad by characters, not bytes: labels may hold “–” and the like. */
      printf ("  %-12s %s%*s  %-22s %s\n", i == 0 ? "Breakers" : "", name,
              (int) (width - g_utf8_strlen (name, -1)), "", amount,
              paint (color, !tripped && tw_breaker_get_state (breaker) != TW_BREAKER_HALF_OPEN,
                     tripped ? "TRIPPED" : tw_breaker_state_to_string (tw_breaker_get_state (breaker)),
                     &state_word));
    }

  if (tw_trading_state_get_kill_switch_supported (state))
    {
      g_autofree char *ks_reason = NULL;
      g_autofree char *ks_by = NULL;
      g_autoptr(GDateTime) ks_at = NULL;
      g_autofree char *at = NULL;
      g_autofree char *ks_word = NULL;
      gboolean active = tw_trading_state_get_kill_switch_active (state);

      g_object_get (state, "kill-switch-reason", &ks_reason, "kill-switch-by", &ks_by,
                    "kill-switch-at", &ks_at, NULL);
      at = format_time (ks_at, FALSE);
      printf ("  %-12s %s", "Kill switch", paint (color, !active, active ? "ACTIVE" : "inactive", &ks_word));
      if (active && ks_reason != NULL)
        printf (" — %s", ks_reason);
      if (active && at != NULL)
        printf (", since %s", at);
      if (active && ks_by != NULL)
        printf (", by %s", ks_by);
      printf ("\n");
    }
}

void
_tw_cli_print_service (TwSession *session,
                       TwService *service,
                       gboolean   color)
{
  g_autoptr(GPtrArray) problems = _tw_cli_service_problems (session, service);
  TwTradingState *state = _tw_cli_trading_state (session, service);
  g_autofree char *verdict = NULL;

  printf ("%s [%s]  %s  %s\n", tw_service_get_name (service), tw_service_get_id (service),
          tw_service_get_base_url (service),
          paint (color, problems->len == 0, problems->len == 0 ? "OK" : "NOT OK", &verdict));
  if (problems->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (problems, NULL);
      joined = g_strjoinv (", ", (char **) problems->pdata);
      printf ("  %-12s %s\n", "Problems", joined);
    }
  print_health (service, color);
  if (state != NULL)
    print_trading (session, service, state, color);
  else
    printf ("  %-12s none: this service does not trade\n", "Trading");
}

/* JSON */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GDateTime   *time)
{
  g_autofree char *text = format_time (time, TRUE);

  add_string (builder, name, text);
}

static void
add_latency (JsonBuilder *builder,
             double       latency_ms)
{
  json_builder_set_member_name (builder, "latency_ms");
  if (latency_ms >= 0)
    json_builder_add_double_value (builder, latency_ms);
  else
    json_builder_add_null_value (builder);
}

static void
add_health_json (JsonBuilder *builder,
                 TwService   *service)
{
  GListModel *components = tw_service_get_components (service);
  TwServiceState state = tw_service_get_state (service);

  json_builder_set_member_name (builder, "health");
  json_builder_begin_object (builder);
  add_string (builder, "state", tw_service_state_to_string (state));
  add_string (builder, "status", tw_service_get_status_text (service));
  add_latency (builder, tw_service_get_latency_ms (service));
  json_builder_set_member_name (builder, "stale");
  json_builder_add_boolean_value (builder, tw_service_get_stale (service));
  add_string (builder, "error", state != TW_SERVICE_STATE_OK ? tw_service_get_last_error (service) : NULL);
  add_time (builder, "last_success", tw_service_get_last_success (service));
  add_string (builder, "version", tw_service_get_version (service));
  json_builder_set_member_name (builder, "components");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (components); i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (components, i);

      json_builder_begin_object (builder);
      add_string (builder, "name", tw_component_get_name (component));
      add_string (builder, "health", tw_health_to_string (tw_component_get_health (component)));
      add_string (builder, "status", tw_component_get_status (component));
      add_string (builder, "detail", tw_component_get_detail (component));
      add_latency (builder, tw_component_get_latency_ms (component));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
add_trading_json (JsonBuilder    *builder,
                  TwSession      *session,
                  TwService      *service,
                  TwTradingState *state)
{
  g_autofree char *last_error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *by = NULL;
  GListModel *breakers = tw_trading_state_get_breakers (state);

  g_object_get (state, "last-error", &last_error, "reason", &reason, "by", &by, NULL);

  json_builder_set_member_name (builder, "trading");
  json_builder_begin_object (builder);
  add_string (builder, "state", last_error != NULL ? "unknown" : _tw_cli_mode_word (state));
  json_builder_set_member_name (builder, "reported");
  json_builder_add_boolean_value (builder, _tw_cli_reports_mode (session, service));
  add_string (builder, "reason", reason);
  add_time (builder, "since", tw_trading_state_get_since (state));
  add_string (builder, "by", by);
  add_string (builder, "error", last_error);

  json_builder_set_member_name (builder, "breakers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (breakers); i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);

      json_builder_begin_object (builder);
      add_string (builder, "id", tw_breaker_get_id (breaker));
      add_string (builder, "name", breaker_name (breaker));
      add_string (builder, "kind", tw_breaker_get_kind (breaker));
      json_builder_set_member_name (builder, "value");
      json_builder_add_double_value (builder, tw_breaker_get_value (breaker));
      json_builder_set_member_name (builder, "limit");
      if (tw_breaker_get_limit (breaker) > 0)
        json_builder_add_double_value (builder, tw_breaker_get_limit (breaker));
      else
        json_builder_add_null_value (builder);
      add_string (builder, "unit", tw_breaker_get_unit (breaker));
      add_string (builder, "state", tw_breaker_state_to_string (tw_breaker_get_state (breaker)));
      json_builder_set_member_name (builder, "tripped");
      json_builder_add_boolean_value (builder, tw_breaker_is_tripped (breaker));
      json_builder_set_member_name (builder, "failure_count");
      json_builder_add_int_value (builder, tw_breaker_get_failure_count (breaker));
      add_time (builder, "opened_at", tw_breaker_get_opened_at (breaker));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "kill_switch");
  if (tw_trading_state_get_kill_switch_supported (state))
    {
      g_autofree char *ks_reason = NULL;
      g_autofree char *ks_by = NULL;
      g_autoptr(GDateTime) ks_at = NULL;

      g_object_get (state, "kill-switch-reason", &ks_reason, "kill-switch-by", &ks_by,
                    "kill-switch-at", &ks_at, NULL);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "active");
      if (last_error != NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_boolean_value (builder, tw_trading_state_get_kill_switch_active (state));
      add_string (builder, "reason", ks_reason);
      add_time (builder, "at", ks_at);
      add_string (builder, "by", ks_by);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/* Adds the members of @service's object (the caller opens and closes it). */
void
_tw_cli_add_service_json (JsonBuilder *builder,
                          TwSession   *session,
                          TwService   *service)
{
  g_autoptr(GPtrArray) problems = _tw_cli_service_problems (session, service);
  TwTradingState *state = _tw_cli_trading_state (session, service);

  add_string (builder, "id", tw_service_get_id (service));
  add_string (builder, "name", tw_service_get_name (service));
  add_string (builder, "connector", tw_service_get_connector_id (service));
  add_string (builder, "url", tw_service_get_base_url (service));
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, problems->len == 0);
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < problems->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (problems, i));
  json_builder_end_array (builder);
  add_health_json (builder, service);
  if (state != NULL)
    add_trading_json (builder, session, service, state);
  else
    {
      json_builder_set_member_name (builder, "trading");
      json_builder_add_null_value (builder);
    }
}
