/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-risk-monitor.h"
#include "tw-risk-monitor-internal.h"

#include <glib/gi18n-lib.h>

#include "tw-clock.h"
#include "tw-error.h"

/* The status operations polled, in the order their answers are mapped. Operations
 * with the same method and path share one poller: the answer is mapped by each. */
static const char * const status_operations[] = {
  "trading.status",
  "killswitch.status",
  "breakers.list",
  /* Alpaca's account: trading_blocked / account_blocked */
  "account.status",
};

/* A failing breaker or kill-switch read is retried at most this many intervals later (not
 * the pollers' 60 s): a trip during an outage is seen within seconds of the service
 * answering again. */
#define RISK_BACKOFF_INTERVALS 3
#define RISK_STAGGER_MAX_MS 1000

struct _TwRiskMonitor
{
  GObject      parent_instance;

  TwWorkspace *workspace;
  GListStore  *states;       /* TwTradingState, in the profile's order */
  GPtrArray   *entries;      /* Entry*, same order as states */
  gboolean     running;
  gulong       services_changed_id;
  gulong       interval_changed_id;
};

G_DEFINE_FINAL_TYPE (TwRiskMonitor, tw_risk_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WORKSPACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
guint _tw_risk_monitor_signals[N_SIGNALS];


static void sync_entries (TwRiskMonitor *self);

static void
group_free (gpointer data)
{
  Group *group = data;

  if (group->poller != NULL)
    {
      g_signal_handlers_disconnect_by_data (group->poller, group);
      tw_poller_stop (group->poller);
    }
  g_clear_object (&group->poller);
  g_clear_pointer (&group->operations, g_ptr_array_unref);
  g_clear_pointer (&group->breakers, g_ptr_array_unref);
  g_free (group);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_signal_handler (&entry->connector_changed_id, entry->service);
  if (entry->name_binding != NULL)
    g_binding_unbind (entry->name_binding);
  g_clear_pointer (&entry->groups, g_ptr_array_unref);
  g_clear_pointer (&entry->snapshots, g_hash_table_unref);
  g_clear_object (&entry->state);
  g_clear_object (&entry->client);
  g_clear_object (&entry->service);
  g_free (entry);
}

static Group *
find_group (Entry             *entry,
            const TwOperation *op)
{
  for (guint i = 0; i < entry->groups->len; i++)
    {
      Group *group = g_ptr_array_index (entry->groups, i);
      const TwOperation *first = g_ptr_array_index (group->operations, 0);

      if (g_strcmp0 (tw_operation_get_method (first), tw_operation_get_method (op)) == 0 &&
          g_strcmp0 (tw_operation_get_path_template (first), tw_operation_get_path_template (op)) == 0)
        return group;
    }
  return NULL;
}

/* TRUE when the service's connector has anything to do with trading state. */
static gboolean
client_can_trade (TwClient *client)
{
  if (client == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (status_operations); i++)
    if (tw_client_has_operation (client, status_operations[i]))
      return TRUE;
  return tw_client_has_operation (client, "trading.halt");
}

static Entry *
entry_new (TwRiskMonitor *self,
           TwService     *service,
           TwClient      *client);

static void
on_connector_changed (TwService  *service,
                      GParamSpec *pspec,
                      Entry      *entry)
{
  TwRiskMonitor *self = entry->monitor;

  /* The workspace made a new client (its handler runs first): start over. */
  for (guint i = 0; i < self->entries->len; i++)
    if (g_ptr_array_index (self->entries, i) == entry)
      {
        g_ptr_array_remove_index (self->entries, i);
        break;
      }
  sync_entries (self);
}

static Entry *
entry_new (TwRiskMonitor *self,
           TwService     *service,
           TwClient      *client)
{
  TwConnector *connector = tw_client_get_connector (client);
  Entry *entry = g_new0 (Entry, 1);
  guint interval = tw_workspace_get_poll_interval (self->workspace);

  entry->monitor = self;
  entry->service = g_object_ref (service);
  entry->client = g_object_ref (client);
  entry->state = tw_trading_state_new (tw_service_get_id (service), tw_service_get_name (service));
  entry->groups = g_ptr_array_new_with_free_func (group_free);
  entry->snapshots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  entry->name_binding = g_object_bind_property (service, "name", entry->state, "service-name",
                                                G_BINDING_SYNC_CREATE);

  g_object_set (entry->state,
                "can-halt", tw_connector_has_operation (connector, "trading.halt"),
                "can-resume", tw_connector_has_operation (connector, "trading.resume"),
                "can-reduce", tw_connector_has_operation (connector, "trading.reduce"),
                /* Only these read a halt back; breakers alone do not. */
                "reported", tw_connector_has_operation (connector, "trading.status") ||
                            tw_connector_has_operation (connector, "killswitch.status") ||
                            tw_connector_has_operation (connector, "account.status"),
                "kill-switch-supported",
                tw_connector_has_operation (connector, "killswitch.status") ||
                tw_connector_has_operation (connector, "killswitch.activate"),
                NULL);

  for (guint i = 0; i < G_N_ELEMENTS (status_operations); i++)
    {
      const TwOperation *op = tw_connector_get_operation (connector, status_operations[i]);
      Group *group;

      if (op == NULL)
        continue;
      group = find_group (entry, op);
      if (group == NULL)
        {
          group = g_new0 (Group, 1);
          group->entry = entry;
          group->operations = g_ptr_array_new ();
          group->poller = tw_poller_new (client, status_operations[i], interval);
          tw_poller_set_backoff_limit (group->poller, interval * RISK_BACKOFF_INTERVALS);
          g_signal_connect (group->poller, "succeeded", G_CALLBACK (_tw_risk_monitor_status_succeeded), group);
          g_signal_connect (group->poller, "failed", G_CALLBACK (_tw_risk_monitor_status_failed), group);
          g_ptr_array_add (entry->groups, group);
        }
      g_ptr_array_add (group->operations, (gpointer) op);
    }

  g_object_set (entry->state, "polled", entry->groups->len > 0, NULL);
  entry->connector_changed_id =
    g_signal_connect (service, "notify::connector-id", G_CALLBACK (on_connector_changed), entry);

  if (self->running)
    for (guint i = 0; i < entry->groups->len; i++)
      tw_poller_start (((Group *) g_ptr_array_index (entry->groups, i))->poller);

  return entry;
}

static Entry *
take_entry (GPtrArray *entries,
            TwService *service,
            TwClient  *client)
{
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      if (entry->service == service && entry->client == client)
        return g_ptr_array_steal_index (entries, i);
    }
  return NULL;
}

/* Brings the states in line with the profile: one per service that can trade, in
 * the profile's order; existing states are kept (their rows and snapshots survive). */
static void
sync_entries (TwRiskMonitor *self)
{
  GListModel *services = tw_workspace_get_services (self->workspace);
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->entries);
  g_autoptr(GPtrArray) states = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (services);
  gboolean same;

  self->entries = g_ptr_array_new_with_free_func (entry_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwClient *client = tw_workspace_get_client (self->workspace, tw_service_get_id (service));
      Entry *entry;

      if (!client_can_trade (client))
        continue;
      entry = take_entry (old, service, client);
      if (entry == NULL)
        entry = entry_new (self, service, client);
      g_ptr_array_add (self->entries, entry);
      g_ptr_array_add (states, entry->state);
    }

  same = states->len == g_list_model_get_n_items (G_LIST_MODEL (self->states));
  for (guint i = 0; same && i < states->len; i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (G_LIST_MODEL (self->states), i);

      same = state == g_ptr_array_index (states, i);
    }
  if (!same)
    g_list_store_splice (self->states, 0, g_list_model_get_n_items (G_LIST_MODEL (self->states)),
                         states->pdata, states->len);
}

static void
on_services_changed (GListModel    *model,
                     guint          position,
                     guint          removed,
                     guint          added,
                     TwRiskMonitor *self)
{
  sync_entries (self);
}

static void
on_interval_changed (TwWorkspace   *workspace,
                     GParamSpec    *pspec,
                     TwRiskMonitor *self)
{
  guint interval = tw_workspace_get_poll_interval (workspace);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      for (guint j = 0; j < entry->groups->len; j++)
        {
          TwPoller *poller = ((Group *) g_ptr_array_index (entry->groups, j))->poller;

          tw_poller_set_interval (poller, interval);
          tw_poller_set_backoff_limit (poller, interval * RISK_BACKOFF_INTERVALS);
        }
    }
}

static void
tw_risk_monitor_constructed (GObject *object)
{
  TwRiskMonitor *self = TW_RISK_MONITOR (object);

  G_OBJECT_CLASS (tw_risk_monitor_parent_class)->constructed (object);

  g_return_if_fail (TW_IS_WORKSPACE (self->workspace));

  self->services_changed_id =
    g_signal_connect (tw_workspace_get_services (self->workspace), "items-changed",
                      G_CALLBACK (on_services_changed), self);
  self->interval_changed_id =
    g_signal_connect (self->workspace, "notify::poll-interval",
                      G_CALLBACK (on_interval_changed), self);
  sync_entries (self);
}

static void
tw_risk_monitor_dispose (GObject *object)
{
  TwRiskMonitor *self = TW_RISK_MONITOR (object);

  self->running = FALSE;
  if (self->workspace != NULL)
    {
      g_clear_signal_handler (&self->services_changed_id, tw_workspace_get_services (self->workspace));
      g_clear_signal_handler (&self->interval_changed_id, self->workspace);
    }
  if (self->entries != NULL)
    g_ptr_array_set_size (self->entries, 0);
  if (self->states != NULL)
    g_list_store_remove_all (self->states);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (tw_risk_monitor_parent_class)->dispose (object);
}

static void
tw_risk_monitor_finalize (GObject *object)
{
  TwRiskMonitor *self = TW_RISK_MONITOR (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_object (&self->states);

  G_OBJECT_CLASS (tw_risk_monitor_parent_class)->finalize (object);
}

static void
tw_risk_monitor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TwRiskMonitor *self = TW_RISK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_risk_monitor_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TwRiskMonitor *self = TW_RISK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      self->workspace = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_risk_monitor_class_init (TwRiskMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tw_risk_monitor_constructed;
  object_class->dispose = tw_risk_monitor_dispose;
  object_class->finalize = tw_risk_monitor_finalize;
  object_class->get_property = tw_risk_monitor_get_property;
  object_class->set_property = tw_risk_monitor_set_property;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, TW_TYPE_WORKSPACE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TwRiskMonitor::breaker-tripped:
   * @state: the service's trading state
   * @breaker: the breaker that went from closed to tripped
   */
  _tw_risk_monitor_signals[BREAKER_TRIPPED] =
    g_signal_new ("breaker-tripped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, TW_TYPE_TRADING_STATE, TW_TYPE_BREAKER);
  /**
   * TwRiskMonitor::breaker-warning:
   * A "loss" breaker passed 80 % of its limit (without tripping).
   */
  _tw_risk_monitor_signals[BREAKER_WARNING] =
    g_signal_new ("breaker-warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, TW_TYPE_TRADING_STATE, TW_TYPE_BREAKER);
  /**
   * TwRiskMonitor::breaker-reset:
   * A tripped breaker is closed again (a half-open breaker is not yet closed).
   */
  _tw_risk_monitor_signals[BREAKER_RESET] =
    g_signal_new ("breaker-reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, TW_TYPE_TRADING_STATE, TW_TYPE_BREAKER);
  _tw_risk_monitor_signals[HALTED] =
    g_signal_new ("halted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TW_TYPE_TRADING_STATE);
  _tw_risk_monitor_signals[RESUMED] =
    g_signal_new ("resumed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TW_TYPE_TRADING_STATE);
}

static void
tw_risk_monitor_init (TwRiskMonitor *self)
{
  self->states = g_list_store_new (TW_TYPE_TRADING_STATE);
  self->entries = g_ptr_array_new_with_free_func (entry_free);
}

/**
 * tw_risk_monitor_new:
 *
 * Returns: (transfer full): a stopped monitor of @workspace's trading services
 */
TwRiskMonitor *
tw_risk_monitor_new (TwWorkspace *workspace)
{
  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), NULL);

  return g_object_new (TW_TYPE_RISK_MONITOR, "workspace", workspace, NULL);
}

GListModel *
tw_risk_monitor_get_states (TwRiskMonitor *self)
{
  g_return_val_if_fail (TW_IS_RISK_MONITOR (self), NULL);

  return G_LIST_MODEL (self->states);
}

/**
 * tw_risk_monitor_lookup:
 *
 * Returns: (transfer none) (nullable): the state of @service_id, NULL when that
 *   service cannot trade (or is unknown)
 */
TwTradingState *
tw_risk_monitor_lookup (TwRiskMonitor *self,
                        const char    *service_id)
{
  g_return_val_if_fail (TW_IS_RISK_MONITOR (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (tw_trading_state_get_service_id (entry->state), service_id) == 0)
        return entry->state;
    }
  return NULL;
}

static void
foreach_group (TwRiskMonitor *self,
               void         (*func) (Group *group))
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      for (guint j = 0; j < entry->groups->len; j++)
        func (g_ptr_array_index (entry->groups, j));
    }
}

static void
group_stop (Group *group)
{
  group->refresh_pending = FALSE;
  tw_poller_stop (group->poller);
}

/* Polls now; when a poll is in flight its answer may predate what asked for the
 * refresh (an action), so one more poll follows it. */
static void
group_refresh (Group *group)
{
  if (tw_poller_get_in_flight (group->poller))
    group->refresh_pending = TRUE;
  else
    tw_poller_poll_now (group->poller);
}

/* ---- read back ---- */

typedef struct
{
  TwRiskMonitor *monitor;
  TwService     *service;   /* the entry's, to find it again */
  char          *operation;
} ReadBackData;

static void
read_back_data_free (gpointer user_data)
{
  ReadBackData *data = user_data;

  g_clear_object (&data->monitor);
  g_clear_object (&data->service);
  g_free (data->operation);
  g_free (data);
}

static Entry *
find_entry (TwRiskMonitor *self,
            TwService     *service)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->service == service)
        return entry;
    }
  return NULL;
}

static void
read_back_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadBackData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = tw_client_call_finish (TW_CLIENT (source), result, NULL, &error);
  Entry *entry;

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The profile may have changed meanwhile: then there is nothing to map onto. */
  entry = find_entry (data->monitor, data->service);
  if (entry != NULL && entry->client == TW_CLIENT (source))
    {
      TwConnector *connector = tw_client_get_connector (entry->client);
      const TwOperation *op = tw_connector_get_operation (connector, data->operation);
      Group *group = op != NULL ? find_group (entry, op) : NULL;

      if (group != NULL)
        {
          g_autoptr(GDateTime) now = tw_date_time_new_now_local ();
          gboolean mapped;

          /* A read-back that changes a field makes every group map its next answer
           * again (the state's changes count moves on). */
          g_object_freeze_notify (G_OBJECT (entry->state));
          mapped = _tw_risk_monitor_map_answer (group, body, &error);
          if (mapped)
            tw_trading_state_set_answered (entry->state, now, NULL);
          g_object_thaw_notify (G_OBJECT (entry->state));
          if (!mapped)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          _tw_risk_monitor_emit_transitions (entry);
        }
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * tw_risk_monitor_read_back_async:
 * @service_id: a service of the monitor
 *
 * Reads the service's kill switch (else its trading state) once, now, and maps the
 * answer onto its state: after an action whose own answer says what was asked rather
 * than what the service now is (an IBKR assistant's deactivate succeeds while
 * KILL_SWITCH_ENABLED keeps the switch on), this is what the console tells from.
 * Independent of the pollers: no poll sent before the action can answer it.
 */
void
tw_risk_monitor_read_back_async (TwRiskMonitor       *self,
                                 const char          *service_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadBackData *data;
  Entry *entry = NULL;

  g_return_if_fail (TW_IS_RISK_MONITOR (self));
  g_return_if_fail (service_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_risk_monitor_read_back_async);

  for (guint i = 0; i < self->entries->len && entry == NULL; i++)
    {
      Entry *e = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (tw_service_get_id (e->service), service_id) == 0)
        entry = e;
    }
  if (entry == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_NOT_FOUND,
                               _("No service “%s” to read back"), service_id);
      return;
    }

  data = g_new0 (ReadBackData, 1);
  data->monitor = g_object_ref (self);
  data->service = g_object_ref (entry->service);
  data->operation = g_strdup (tw_client_has_operation (entry->client, "killswitch.status")
                              ? "killswitch.status" : "trading.status");
  g_task_set_task_data (task, data, read_back_data_free);
  if (!tw_client_has_operation (entry->client, data->operation))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               _("This service does not report its trading state"));
      return;
    }
  tw_client_call_async (entry->client, data->operation, NULL, cancellable, read_back_cb,
                        g_steal_pointer (&task));
}

gboolean
tw_risk_monitor_read_back_finish (TwRiskMonitor  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tw_risk_monitor_start (TwRiskMonitor *self)
{
  guint n = 0, k = 0;
  guint spread_ms;

  g_return_if_fail (TW_IS_RISK_MONITOR (self));

  if (self->running)
    return;
  self->running = TRUE;

  /* The first polls are spread over the interval (at most a second), as the
   * workspace spreads its health polls: a profile of many services opens without a
   * burst of answers, and the polls keep their cadence, spread. */
  for (guint i = 0; i < self->entries->len; i++)
    n += ((Entry *) g_ptr_array_index (self->entries, i))->groups->len;
  spread_ms = MIN (tw_workspace_get_poll_interval (self->workspace), RISK_STAGGER_MAX_MS);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      for (guint j = 0; j < entry->groups->len; j++, k++)
        tw_poller_start_delayed (((Group *) g_ptr_array_index (entry->groups, j))->poller,
                                 (guint) ((guint64) spread_ms * k / n));
    }
}

void
tw_risk_monitor_stop (TwRiskMonitor *self)
{
  g_return_if_fail (TW_IS_RISK_MONITOR (self));

  self->running = FALSE;
  foreach_group (self, group_stop);
}

void
tw_risk_monitor_refresh (TwRiskMonitor *self)
{
  g_return_if_fail (TW_IS_RISK_MONITOR (self));

  if (self->running)
    foreach_group (self, group_refresh);
}

static const char * const noted_operations[] = {
  "trading.halt", "trading.resume", "trading.reduce", "trading.emergency_stop",
  "killswitch.activate", "killswitch.deactivate", NULL
};

gboolean
tw_risk_monitor_is_noted_action (const char *operation)
{
  return operation != NULL && g_strv_contains (noted_operations, operation);
}

void
tw_risk_monitor_note_action (TwRiskMonitor *self,
                             const char    *service_id,
                             const char    *operation,
                             const char    *actor)
{
  g_return_if_fail (TW_IS_RISK_MONITOR (self));
  g_return_if_fail (service_id != NULL && operation != NULL);

  if (!tw_risk_monitor_is_noted_action (operation))
    return;
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (tw_service_get_id (entry->service), service_id) == 0)
        tw_trading_state_note_action (entry->state, operation, actor);
    }
}

/**
 * tw_risk_monitor_dup_pollers:
 *
 * Returns: (transfer full) (element-type TwPoller): every poller of the monitor (one per
 *   distinct status request of each trading service), for a single round of polls
 *   (tw_poller_poll_once_async) without starting the monitor
 */
GPtrArray *
tw_risk_monitor_dup_pollers (TwRiskMonitor *self)
{
  GPtrArray *pollers;

  g_return_val_if_fail (TW_IS_RISK_MONITOR (self), NULL);

  pollers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      for (guint j = 0; j < entry->groups->len; j++)
        g_ptr_array_add (pollers, g_object_ref (((Group *) g_ptr_array_index (entry->groups, j))->poller));
    }
  return pollers;
}
