/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tw-alert-engine.h"

#include "tw-alert-private.h"
#include "tw-error.h"

#define DEFAULT_RATE_LIMIT        300
#define DEFAULT_UNREACHABLE_AFTER 60
#define DEFAULT_SERVER_ERROR_AFTER 30
#define RETRIP_WINDOW_SECONDS     3600
/* Our own halt shows in the next poll or two; a minute of margin covers slow services. */
#define OWN_ACTION_WINDOW_SECONDS 30
#define CHECK_INTERVAL_MS         1000


struct _TwAlertEngine
{
  GObject         parent_instance;

  TwWorkspace    *workspace;
  TwRiskMonitor  *monitor;
  TwActionRunner *runner;
  guint           rate_limit;
  guint           unreachable_after;
  guint           server_error_after;
  guint           n_suppressed;

  GListStore     *history;      /* TwAlert, newest first */
  GHashTable     *last_raised;  /* key → gint64 monotonic µs */
  GHashTable     *active;       /* keys of critical conditions still on (dedup) */
  GHashTable     *resets;       /* "service\x1fbreaker" → gint64 monotonic µs of its reset */
  GHashTable     *unreachable;  /* service id → Outage* */
  GHashTable     *server_errors; /* service id → Outage*: answering 5xx */
  GHashTable     *sources;      /* SourceSeen* (by service and breaker): last state seen */
  GHashTable     *health;       /* health alert key raised → its service id: still down */
  GListModel     *states;       /* the monitor's, watched for new services */
  guint           check_id;
};

G_DEFINE_FINAL_TYPE (TwAlertEngine, tw_alert_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WORKSPACE,
  PROP_RISK_MONITOR,
  PROP_ACTION_RUNNER,
  PROP_RATE_LIMIT,
  PROP_UNREACHABLE_AFTER,
  PROP_SERVER_ERROR_AFTER,
  N_PROPS
};

enum {
  ALERT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A service seen unreachable by the check timer. */
typedef struct
{
  gint64   since;   /* monotonic µs when first seen unreachable */
  gboolean told;    /* alerted for this outage */
} Outage;

/* A source breaker as last seen, to tell it re-opened (HALF_OPEN → OPEN); its own key
 * in the engine's set, looked up by a SourceSeen on the stack: every answer of every
 * service looks its source breakers up, and a key string built each time cost more
 * than the rest of the check. */
typedef struct
{
  char           *service_id;
  char           *breaker_id;
  TwBreakerState  state;
  GDateTime      *opened_at;
} SourceSeen;

static guint
source_seen_hash (gconstpointer data)
{
  const SourceSeen *seen = data;

  return g_str_hash (seen->service_id) * 31 + g_str_hash (seen->breaker_id);
}

static gboolean
source_seen_equal (gconstpointer a,
                   gconstpointer b)
{
  const SourceSeen *seen_a = a, *seen_b = b;

  return g_str_equal (seen_a->service_id, seen_b->service_id)
         && g_str_equal (seen_a->breaker_id, seen_b->breaker_id);
}

static void
source_seen_free (gpointer data)
{
  SourceSeen *seen = data;

  g_free (seen->service_id);
  g_free (seen->breaker_id);
  g_clear_pointer (&seen->opened_at, g_date_time_unref);
  g_free (seen);
}

static gint64 *
new_time (gint64 value)
{
  return g_memdup2 (&value, sizeof value);
}

/* Shows @alert unless its key is still active (critical) or was raised within the rate
 * limit (others). Takes @alert. */
static void
raise_alert (TwAlertEngine *self,
             TwAlert       *alert)
{
  g_autoptr(TwAlert) owned = alert;
  const char *key = tw_alert_get_key (alert);
  gint64 now = g_get_monotonic_time ();
  gint64 *last = g_hash_table_lookup (self->last_raised, key);

  if (tw_alert_get_severity (alert) == TW_ALERT_CRITICAL)
    {
      if (g_hash_table_contains (self->active, key))
        {
          self->n_suppressed++;
          g_debug ("Alert “%s” suppressed: still active", key);
          return;
        }
      g_hash_table_add (self->active, g_strdup (key));
    }
  else if (last != NULL && now - *last < (gint64) self->rate_limit * G_USEC_PER_SEC)
    {
      self->n_suppressed++;
      g_debug ("Alert “%s” suppressed: raised %" G_GINT64_FORMAT " s ago",
               key, (now - *last) / G_USEC_PER_SEC);
      return;
    }

  g_hash_table_insert (self->last_raised, g_strdup (key), new_time (now));
  g_list_store_insert (self->history, 0, alert);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->history)) > TW_ALERT_HISTORY_MAX)
    g_list_store_remove (self->history, TW_ALERT_HISTORY_MAX);
  g_signal_emit (self, signals[ALERT], 0, alert);
}

static char *
make_key (const char *kind,
          const char *service_id,
          const char *breaker_id)
{
  if (breaker_id == NULL)
    return g_strdup_printf ("%s:%s", kind, service_id);
  return g_strdup_printf ("%s:%s:%s", kind, service_id, breaker_id);
}

static TwConnector *
connector_of (TwAlertEngine *self,
              const char    *service_id)
{
  TwClient *client = tw_workspace_get_client (self->workspace, service_id);

  return client != NULL ? tw_client_get_connector (client) : NULL;
}

/* @body with the runbook's section for a tripped breaker of @service_id, when its
 * connector names one. (transfer full) */
static char *
with_breaker_runbook (TwAlertEngine *self,
                      const char    *service_id,
                      char          *body)
{
  TwConnector *connector = connector_of (self, service_id);
  g_autofree char *line = connector != NULL
                          ? _tw_alert_runbook_line (connector, tw_connector_get_breaker_alert (connector))
                          : NULL;
  char *out;

  if (line == NULL)
    return body;
  out = g_strdup_printf ("%s\n%s", body, line);
  g_free (body);
  return out;
}

static void
on_breaker_tripped (TwRiskMonitor  *monitor,
                    TwTradingState *state,
                    TwBreaker      *breaker,
                    TwAlertEngine  *self)
{
  const char *service_id = tw_trading_state_get_service_id (state);
  g_autofree char *reset_key = make_key ("reset", service_id, tw_breaker_get_id (breaker));
  gint64 *reset_at = g_hash_table_lookup (self->resets, reset_key);
  g_autofree char *what = _tw_alert_describe_breaker (breaker);
  g_autofree char *advice = _tw_alert_trip_advice (state, breaker);
  g_autofree char *key = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  gint64 now = g_get_monotonic_time ();

  if (reset_at != NULL && now - *reset_at <= (gint64) RETRIP_WINDOW_SECONDS * G_USEC_PER_SEC)
    {
      gint64 minutes = (now - *reset_at) / (60 * G_USEC_PER_SEC);
      g_autofree char *ago = NULL;

      if (minutes < 2)
        ago = g_strdup (_("less than two minutes"));
      else
        ago = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld minute", "%lld minutes",
                                            (gulong) minutes),
                               (long long) minutes);
      key = make_key ("retrip", service_id, tw_breaker_get_id (breaker));
      /* Translators: the service, then what tripped ("3 consecutive losses") */
      title = g_strdup_printf (_("%s breaker re-tripped: %s"), _tw_alert_service_name (state), what);
      /* Translators: how long ago ("5 minutes"), then what to do */
      body = g_strdup_printf (_("It tripped again %s after it was reset. The runbook says: "
                                "stop trading and page the whole team. %s"), ago, advice);
    }
  else
    {
      g_autofree char *label = _tw_alert_breaker_label (breaker);

      key = make_key ("trip", service_id, tw_breaker_get_id (breaker));
      if (tw_trading_state_is_halted (state))
        title = g_strdup_printf (_("%s halted: %s"), _tw_alert_service_name (state), what);
      else
        title = g_strdup_printf (_("%s breaker tripped: %s"), _tw_alert_service_name (state), what);
      /* Translators: the breaker's label ("daily loss"), then what to do */
      body = g_strdup_printf (_("The %s breaker tripped. %s"), label, advice);
    }
  body = with_breaker_runbook (self, service_id, g_steal_pointer (&body));

  raise_alert (self, _tw_alert_new (key, TW_ALERT_CRITICAL, title, body, service_id,
                                    "breakers", TRUE, CATEGORY_BREAKER));
}

static void
on_breaker_warning (TwRiskMonitor  *monitor,
                    TwTradingState *state,
                    TwBreaker      *breaker,
                    TwAlertEngine  *self)
{
  const char *service_id = tw_trading_state_get_service_id (state);
  g_autofree char *key = make_key ("warn", service_id, tw_breaker_get_id (breaker));
  g_autofree char *label = _tw_alert_breaker_label (breaker);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  const char *unit = _tw_alert_breaker_is_percent (breaker) ? " %" : "";

  /* Translators: the service, the breaker's label and how much of its limit is used */
  title = g_strdup_printf (_("%s near its %s limit: %.0f %% of it"), _tw_alert_service_name (state), label,
                           floor (tw_breaker_get_fraction (breaker) * 100));
  /* Translators: the breaker's label, its value and unit (" %" or nothing), its limit
   * and unit */
  body = g_strdup_printf (_("The %s is %.1f%s of a %.1f%s limit; trading halts automatically at "
                            "the limit. Consider halting now and reviewing the recent trades."),
                          label, tw_breaker_get_value (breaker), unit,
                          tw_breaker_get_limit (breaker), unit);

  raise_alert (self, _tw_alert_new (key, TW_ALERT_WARNING, title, body, service_id,
                                    "breakers", TRUE, CATEGORY_BREAKER));
}

static void
on_breaker_reset (TwRiskMonitor  *monitor,
                  TwTradingState *state,
                  TwBreaker      *breaker,
                  TwAlertEngine  *self)
{
  const char *service_id = tw_trading_state_get_service_id (state);
  const char *breaker_id = tw_breaker_get_id (breaker);
  g_autofree char *trip_key = make_key ("trip", service_id, breaker_id);
  g_autofree char *retrip_key = make_key ("retrip", service_id, breaker_id);

  g_hash_table_insert (self->resets, make_key ("reset", service_id, breaker_id),
                       new_time (g_get_monotonic_time ()));
  g_hash_table_remove (self->active, trip_key);
  g_hash_table_remove (self->active, retrip_key);
}

static gboolean
has_tripped_breaker (TwTradingState *state)
{
  GListModel *breakers = tw_trading_state_get_breakers (state);
  guint n = g_list_model_get_n_items (breakers);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);

      if (tw_breaker_is_tripped (breaker))
        return TRUE;
    }
  return FALSE;
}

static gboolean
halted_by_us (TwAlertEngine  *self,
              TwTradingState *state)
{
  static const char * const own[] = { "trading.halt", "killswitch.activate", "trading.emergency_stop" };
  const char *service_id = tw_trading_state_get_service_id (state);

  for (guint i = 0; i < G_N_ELEMENTS (own); i++)
    if (tw_action_runner_did_recently (self->runner, service_id, own[i], OWN_ACTION_WINDOW_SECONDS))
      return TRUE;
  return FALSE;
}

static void
on_halted (TwRiskMonitor  *monitor,
           TwTradingState *state,
           TwAlertEngine  *self)
{
  const char *service_id = tw_trading_state_get_service_id (state);
  g_autofree char *key = make_key ("halt", service_id, NULL);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *by = NULL;
  g_autofree char *reason = NULL;
  const char *category = CATEGORY_HALT;

  /* A breaker's automatic halt is told by its trip alert; ours needs no alert. */
  if (has_tripped_breaker (state) || halted_by_us (self, state))
    return;

  if (tw_trading_state_get_kill_switch_active (state))
    {
      g_object_get (state, "kill-switch-by", &by, "kill-switch-reason", &reason, NULL);
      title = g_strdup_printf (_("%s kill switch activated by %s"), _tw_alert_service_name (state),
                               by != NULL ? by : _("someone else"));
    }
  else
    {
      g_object_get (state, "by", &by, "reason", &reason, NULL);
      title = g_strdup_printf (_("%s halted by %s"), _tw_alert_service_name (state),
                               by != NULL ? by : _("someone else"));
    }
  if (reason != NULL)
    body = g_strdup_printf (_("Reason: %s. Trade Warden did not send this. Find out who did "
                              "and why before resuming."), reason);
  else
    body = g_strdup (_("Trade Warden did not send this. Find out who did and why before "
                       "resuming."));

  raise_alert (self, _tw_alert_new (key, TW_ALERT_CRITICAL, title, body, service_id,
                                    "breakers", FALSE, category));
}

static void
on_resumed (TwRiskMonitor  *monitor,
            TwTradingState *state,
            TwAlertEngine  *self)
{
  g_autofree char *key = make_key ("halt", tw_trading_state_get_service_id (state), NULL);

  g_hash_table_remove (self->active, key);
}

/* A source breaker re-opened: its half-open probe after the recovery timeout failed
 * (HALF_OPEN → OPEN, or OPEN again with a later opened-at when a poll missed the
 * half-open moment). The risk monitor signals trips from CLOSED only, so the engine
 * keeps its own view of each source breaker, read after each answer of the service. */
static void
on_state_answered (TwTradingState *state,
                   GParamSpec     *pspec,
                   TwAlertEngine  *self)
{
  const char *service_id = tw_trading_state_get_service_id (state);
  GListModel *breakers = tw_trading_state_get_breakers (state);
  guint n = g_list_model_get_n_items (breakers);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);
      TwBreakerState now = tw_breaker_get_state (breaker);
      GDateTime *opened_at = tw_breaker_get_opened_at (breaker);
      SourceSeen lookup = { (char *) service_id, (char *) tw_breaker_get_id (breaker) };
      SourceSeen *seen;
      gboolean reopened;

      if (g_strcmp0 (tw_breaker_get_kind (breaker), "source") != 0 || now == TW_BREAKER_UNKNOWN)
        continue;

      seen = g_hash_table_lookup (self->sources, &lookup);
      if (seen == NULL)
        {
          seen = g_new0 (SourceSeen, 1);
          seen->service_id = g_strdup (service_id);
          seen->breaker_id = g_strdup (lookup.breaker_id);
          seen->state = now;
          seen->opened_at = opened_at != NULL ? g_date_time_ref (opened_at) : NULL;
          g_hash_table_add (self->sources, seen);
          /* A data source already open when first seen is told too: the risk monitor
           * signals trips from a closed breaker only. */
          if (now == TW_BREAKER_OPEN)
            on_breaker_tripped (self->monitor, state, breaker, self);
          continue;
        }

      reopened = now == TW_BREAKER_OPEN
                 && (seen->state == TW_BREAKER_HALF_OPEN
                     || (seen->state == TW_BREAKER_OPEN && seen->opened_at != NULL && opened_at != NULL
                         && g_date_time_compare (opened_at, seen->opened_at) > 0));
      seen->state = now;
      if (seen->opened_at != opened_at)
        {
          g_clear_pointer (&seen->opened_at, g_date_time_unref);
          seen->opened_at = opened_at != NULL ? g_date_time_ref (opened_at) : NULL;
        }

      if (reopened)
        {
          g_autofree char *key = make_key ("reopen", service_id, lookup.breaker_id);
          const char *name = tw_breaker_get_label (breaker) != NULL ? tw_breaker_get_label (breaker)
                                                                     : tw_breaker_get_id (breaker);
          g_autofree char *title = NULL;
          g_autofree char *body = NULL;
          g_autofree char *advice = _tw_alert_trip_advice (state, breaker);

          /* Translators: the service, the data source and its failure count */
          title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%s: %s breaker re-opened (%u failure)",
                                                "%s: %s breaker re-opened (%u failures)",
                                                tw_breaker_get_failure_count (breaker)),
                                   _tw_alert_service_name (state), name,
                                   tw_breaker_get_failure_count (breaker));
          body = g_strdup_printf (_("Its trial call after the recovery timeout failed: the data "
                                    "source is still down. %s"), advice);
          body = with_breaker_runbook (self, service_id, g_steal_pointer (&body));
          /* A source that keeps failing re-opens at every timeout: the rate limit keeps
           * it to one alert per key. */
          raise_alert (self, _tw_alert_new (key, TW_ALERT_WARNING, title, body, service_id,
                                            "breakers", TRUE, CATEGORY_BREAKER));
        }
    }
}

static void
watch_states (TwAlertEngine *self,
              guint          position,
              guint          added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (self->states, i);

      g_signal_connect_object (state, "notify::updated-at", G_CALLBACK (on_state_answered), self, 0);
    }
}

static void
on_states_changed (GListModel    *states,
                   guint          position,
                   guint          removed,
                   guint          added,
                   TwAlertEngine *self)
{
  watch_states (self, position, added);
}

/* Seconds @service has been unreachable by its last success, or by when this engine
 * first saw it unreachable if it never answered. */
static gint64
unreachable_for_us (TwService *service,
                    gint64     first_seen,
                    gint64     now)
{
  GDateTime *last_success = tw_service_get_last_success (service);
  gint64 since_first = now - first_seen;

  if (last_success != NULL)
    {
      g_autoptr(GDateTime) wall = g_date_time_new_now_local ();

      return MAX (since_first, g_date_time_difference (wall, last_success));
    }
  return since_first;
}

/* The console's key refused after it was accepted (tw-alert-keys.c): once per episode;
 * an accepted answer ends it (check_health drops it with the other health conditions). */
static void
check_key_refused (TwAlertEngine *self,
                   TwService     *service)
{
  const char *id = tw_service_get_id (service);
  TwAlert *alert = _tw_alert_key_refused (service);

  if (alert == NULL || g_hash_table_contains (self->health, tw_alert_get_key (alert)))
    {
      g_clear_object (&alert);
      return;
    }
  g_hash_table_insert (self->health, g_strdup (tw_alert_get_key (alert)), g_strdup (id));
  raise_alert (self, alert);
}

/* Raises the alerts @service's health answer calls for, once per condition: a condition
 * gone (the component is back) may alert again later. */
static void
check_health (TwAlertEngine *self,
              TwService     *service)
{
  const char *id = tw_service_get_id (service);
  g_autoptr(GPtrArray) alerts = _tw_alert_health_conditions (service, connector_of (self, id));
  g_autoptr(GHashTable) now = NULL;
  GHashTableIter iter;
  gpointer key, value;

  check_key_refused (self, service);
  /* No answer to judge: what was last known stands. */
  if (alerts == NULL)
    return;

  now = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < alerts->len; i++)
    {
      TwAlert *alert = g_ptr_array_index (alerts, i);
      const char *alert_key = tw_alert_get_key (alert);

      g_hash_table_add (now, (gpointer) alert_key);
      if (g_hash_table_contains (self->health, alert_key))
        continue;
      g_hash_table_insert (self->health, g_strdup (alert_key), g_strdup (id));
      raise_alert (self, g_object_ref (alert));
    }

  g_hash_table_iter_init (&iter, self->health);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_equal (value, id) && !g_hash_table_contains (now, key))
      {
        g_hash_table_remove (self->active, key);
        g_hash_table_iter_remove (&iter);
      }
}

/* A service answering 5xx for longer than "server-error-after": one warning per episode.
 * (Unreachable services have their own alert in on_check.) */
static void
check_server_errors (TwAlertEngine *self,
                     gint64         now)
{
  GListModel *services = tw_workspace_get_services (self->workspace);
  guint n = g_list_model_get_n_items (services);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      const char *id = tw_service_get_id (service);
      Outage *outage;
      g_autofree char *alert_key = NULL;
      g_autofree char *title = NULL;
      gint64 for_us;

      if (tw_service_get_last_error_code (service) != TW_ERROR_SERVER)
        continue;
      g_hash_table_add (present, (gpointer) id);

      outage = g_hash_table_lookup (self->server_errors, id);
      if (outage == NULL)
        {
          outage = g_new0 (Outage, 1);
          outage->since = now;
          g_hash_table_insert (self->server_errors, g_strdup (id), outage);
          continue;
        }
      if (outage->told)
        continue;
      for_us = unreachable_for_us (service, outage->since, now);
      if (for_us <= (gint64) self->server_error_after * G_USEC_PER_SEC)
        continue;

      outage->told = TRUE;
      alert_key = make_key ("server-error", id, NULL);
      /* Translators: e.g. "InvestIQ has answered with server errors for 31 s" */
      title = g_strdup_printf (_("%s has answered with server errors for %lld s"),
                               tw_service_get_name (service),
                               (long long) (for_us / G_USEC_PER_SEC));
      /* The last error names the status, the request and what to check. */
      raise_alert (self, _tw_alert_new (alert_key, TW_ALERT_WARNING, title,
                                        tw_service_get_last_error (service), id,
                                        "overview", FALSE, CATEGORY_SERVICE));
    }

  /* Answering again (or gone): the next episode is a new one. */
  g_hash_table_iter_init (&iter, self->server_errors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_hash_table_iter_remove (&iter);
}

static gboolean
on_check (gpointer user_data)
{
  TwAlertEngine *self = user_data;
  GListModel *services = tw_workspace_get_services (self->workspace);
  guint n = g_list_model_get_n_items (services);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      const char *id = tw_service_get_id (service);
      Outage *outage;
      g_autofree char *alert_key = NULL;
      g_autofree char *title = NULL;
      g_autofree char *body = NULL;
      gint64 for_us;

      check_health (self, service);
      if (tw_service_get_state (service) != TW_SERVICE_STATE_UNREACHABLE)
        continue;
      g_hash_table_add (present, (gpointer) id);

      outage = g_hash_table_lookup (self->unreachable, id);
      if (outage == NULL)
        {
          outage = g_new0 (Outage, 1);
          outage->since = now;
          g_hash_table_insert (self->unreachable, g_strdup (id), outage);
          continue;
        }
      if (outage->told)
        continue;

      for_us = unreachable_for_us (service, outage->since, now);
      if (for_us <= (gint64) self->unreachable_after * G_USEC_PER_SEC)
        continue;

      outage->told = TRUE;
      alert_key = make_key ("unreachable", id, NULL);
      title = g_strdup_printf (_("%s unreachable for %lld s"),
                               tw_service_get_name (service),
                               (long long) (for_us / G_USEC_PER_SEC));
      /* The last error already names the service, its URL and what to check. */
      if (tw_service_get_last_error (service) != NULL)
        body = g_strdup (tw_service_get_last_error (service));
      else
        body = g_strdup_printf (_("It does not answer. Check that the service runs and that "
                                  "%s can be reached from this computer."),
                                tw_service_get_base_url (service));
      raise_alert (self, _tw_alert_new (alert_key, TW_ALERT_WARNING, title, body, id,
                                        "overview", FALSE, CATEGORY_SERVICE));
    }

  /* Back (or gone): the next outage is a new one. */
  g_hash_table_iter_init (&iter, self->unreachable);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_hash_table_iter_remove (&iter);

  check_server_errors (self, now);

  return G_SOURCE_CONTINUE;
}

static void
tw_alert_engine_constructed (GObject *object)
{
  TwAlertEngine *self = TW_ALERT_ENGINE (object);
  g_autoptr(TwRiskMonitor) runner_monitor = NULL;

  G_OBJECT_CLASS (tw_alert_engine_parent_class)->constructed (object);

  g_return_if_fail (TW_IS_WORKSPACE (self->workspace));
  g_return_if_fail (TW_IS_RISK_MONITOR (self->monitor));
  g_return_if_fail (TW_IS_ACTION_RUNNER (self->runner));

  g_signal_connect_object (self->monitor, "breaker-tripped", G_CALLBACK (on_breaker_tripped), self, 0);
  g_signal_connect_object (self->monitor, "breaker-warning", G_CALLBACK (on_breaker_warning), self, 0);
  g_signal_connect_object (self->monitor, "breaker-reset", G_CALLBACK (on_breaker_reset), self, 0);
  g_signal_connect_object (self->monitor, "halted", G_CALLBACK (on_halted), self, 0);
  g_signal_connect_object (self->monitor, "resumed", G_CALLBACK (on_resumed), self, 0);
  self->states = g_object_ref (tw_risk_monitor_get_states (self->monitor));
  g_signal_connect_object (self->states, "items-changed", G_CALLBACK (on_states_changed), self, 0);
  watch_states (self, 0, g_list_model_get_n_items (self->states));

  /* The runner refreshes the monitor after each action. */
  runner_monitor = tw_action_runner_dup_risk_monitor (self->runner);
  if (runner_monitor == NULL)
    tw_action_runner_set_risk_monitor (self->runner, self->monitor);

  self->check_id = g_timeout_add (CHECK_INTERVAL_MS, on_check, self);
  g_source_set_name_by_id (self->check_id, "[tw] alert engine check");
}

static void
tw_alert_engine_dispose (GObject *object)
{
  TwAlertEngine *self = TW_ALERT_ENGINE (object);

  g_clear_handle_id (&self->check_id, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  if (self->states != NULL)
    {
      guint n = g_list_model_get_n_items (self->states);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TwTradingState) state = g_list_model_get_item (self->states, i);

          g_signal_handlers_disconnect_by_data (state, self);
        }
      g_signal_handlers_disconnect_by_data (self->states, self);
    }
  g_clear_object (&self->states);
  g_clear_object (&self->monitor);
  g_clear_object (&self->runner);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (tw_alert_engine_parent_class)->dispose (object);
}

static void
tw_alert_engine_finalize (GObject *object)
{
  TwAlertEngine *self = TW_ALERT_ENGINE (object);

  g_clear_object (&self->history);
  g_hash_table_unref (self->last_raised);
  g_hash_table_unref (self->active);
  g_hash_table_unref (self->resets);
  g_hash_table_unref (self->unreachable);
  g_hash_table_unref (self->server_errors);
  g_hash_table_unref (self->sources);
  g_hash_table_unref (self->health);

  G_OBJECT_CLASS (tw_alert_engine_parent_class)->finalize (object);
}

static void
tw_alert_engine_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TwAlertEngine *self = TW_ALERT_ENGINE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    case PROP_RISK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_ACTION_RUNNER:
      g_value_set_object (value, self->runner);
      break;
    case PROP_RATE_LIMIT:
      g_value_set_uint (value, self->rate_limit);
      break;
    case PROP_UNREACHABLE_AFTER:
      g_value_set_uint (value, self->unreachable_after);
      break;
    case PROP_SERVER_ERROR_AFTER:
      g_value_set_uint (value, self->server_error_after);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_alert_engine_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TwAlertEngine *self = TW_ALERT_ENGINE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      self->workspace = g_value_dup_object (value);
      break;
    case PROP_RISK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    case PROP_ACTION_RUNNER:
      self->runner = g_value_dup_object (value);
      break;
    case PROP_RATE_LIMIT:
      tw_alert_engine_set_rate_limit (self, g_value_get_uint (value));
      break;
    case PROP_UNREACHABLE_AFTER:
      tw_alert_engine_set_unreachable_after (self, g_value_get_uint (value));
      break;
    case PROP_SERVER_ERROR_AFTER:
      self->server_error_after = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_alert_engine_class_init (TwAlertEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = tw_alert_engine_constructed;
  object_class->dispose = tw_alert_engine_dispose;
  object_class->finalize = tw_alert_engine_finalize;
  object_class->get_property = tw_alert_engine_get_property;
  object_class->set_property = tw_alert_engine_set_property;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, TW_TYPE_WORKSPACE, construct);
  properties[PROP_RISK_MONITOR] =
    g_param_spec_object ("risk-monitor", NULL, NULL, TW_TYPE_RISK_MONITOR, construct);
  properties[PROP_ACTION_RUNNER] =
    g_param_spec_object ("action-runner", NULL, NULL, TW_TYPE_ACTION_RUNNER, construct);
  properties[PROP_RATE_LIMIT] =
    g_param_spec_uint ("rate-limit", NULL, NULL, 0, G_MAXUINT, DEFAULT_RATE_LIMIT, rw);
  properties[PROP_UNREACHABLE_AFTER] =
    g_param_spec_uint ("unreachable-after", NULL, NULL, 0, G_MAXUINT, DEFAULT_UNREACHABLE_AFTER, rw);
  properties[PROP_SERVER_ERROR_AFTER] =
    g_param_spec_uint ("server-error-after", NULL, NULL, 0, G_MAXUINT, DEFAULT_SERVER_ERROR_AFTER,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TwAlertEngine::alert:
   * @alert: an alert to show (already past dedup and rate limit)
   */
  signals[ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TW_TYPE_ALERT);
}

static void
tw_alert_engine_init (TwAlertEngine *self)
{
  self->rate_limit = DEFAULT_RATE_LIMIT;
  self->unreachable_after = DEFAULT_UNREACHABLE_AFTER;
  self->server_error_after = DEFAULT_SERVER_ERROR_AFTER;
  self->history = g_list_store_new (TW_TYPE_ALERT);
  self->last_raised = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->resets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->unreachable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->server_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->sources = g_hash_table_new_full (source_seen_hash, source_seen_equal, source_seen_free, NULL);
  self->health = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * tw_alert_engine_new:
 *
 * Returns: (transfer full): an engine watching @monitor and @workspace's services
 */
TwAlertEngine *
tw_alert_engine_new (TwWorkspace    *workspace,
                     TwRiskMonitor  *monitor,
                     TwActionRunner *runner)
{
  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (TW_IS_RISK_MONITOR (monitor), NULL);
  g_return_val_if_fail (TW_IS_ACTION_RUNNER (runner), NULL);

  return g_object_new (TW_TYPE_ALERT_ENGINE,
                       "workspace", workspace,
                       "risk-monitor", monitor,
                       "action-runner", runner,
                       NULL);
}

void
tw_alert_engine_set_rate_limit (TwAlertEngine *self,
                                guint          seconds)
{
  g_return_if_fail (TW_IS_ALERT_ENGINE (self));

  if (self->rate_limit == seconds)
    return;
  self->rate_limit = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMIT]);
}

guint
tw_alert_engine_get_rate_limit (TwAlertEngine *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ENGINE (self), 0);

  return self->rate_limit;
}

void
tw_alert_engine_set_unreachable_after (TwAlertEngine *self,
                                       guint          seconds)
{
  g_return_if_fail (TW_IS_ALERT_ENGINE (self));

  if (self->unreachable_after == seconds)
    return;
  self->unreachable_after = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREACHABLE_AFTER]);
}

guint
tw_alert_engine_get_n_suppressed (TwAlertEngine *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ENGINE (self), 0);

  return self->n_suppressed;
}

/* TRUE while the condition an alert was raised for is still on: a critical alert's (until
 * its reset or resume) or a health alert's (until the next answer says otherwise). */
gboolean
tw_alert_engine_is_active (TwAlertEngine *self,
                           const char    *key)
{
  g_return_val_if_fail (TW_IS_ALERT_ENGINE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return g_hash_table_contains (self->active, key) || g_hash_table_contains (self->health, key);
}

GListModel *
tw_alert_engine_get_history (TwAlertEngine *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ENGINE (self), NULL);

  return G_LIST_MODEL (self->history);
}

/* For the other subsystems' raisers (tw-alert-raise.c). */
void
_tw_alert_engine_raise (TwAlertEngine *self,
                        TwAlert       *alert)
{
  raise_alert (self, alert);
}

GHashTable *
_tw_alert_engine_get_active (TwAlertEngine *self)
{
  return self->active;
}
