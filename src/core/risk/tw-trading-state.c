/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-trading-state.h"

#include "tw-enum-types.h"
#include "tw-util.h"

struct _TwTradingState
{
  GObject        parent_instance;

  guint          n_tripped;
  guint64        changes;       /* of any property but "updated-at" */
  char          *service_id;
  char          *service_name;
  TwTradingMode  mode;
  char          *reason;
  GDateTime     *since;
  char          *by;
  gboolean       kill_switch_supported;
  gboolean       kill_switch_active;
  char          *kill_switch_reason;
  GDateTime     *kill_switch_at;
  char          *kill_switch_by;
  gboolean       trading_blocked;
  gboolean       account_blocked;
  gboolean       can_halt;
  gboolean       can_resume;
  gboolean       can_reduce;
  gboolean       reported;
  gboolean       polled;
  char          *last_action;
  GDateTime     *last_action_at;
  char          *last_action_by;
  GListStore    *breakers;
  char          *last_error;
  GDateTime     *updated_at;
  GPtrArray     *causes;       /* Cause: why it is halted, first one first */
};

typedef struct
{
  char      *reason;
  char      *by;
  GDateTime *since;
} Cause;

G_DEFINE_FINAL_TYPE (TwTradingState, tw_trading_state, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVICE_ID,
  PROP_SERVICE_NAME,
  PROP_MODE,
  PROP_REASON,
  PROP_SINCE,
  PROP_BY,
  PROP_KILL_SWITCH_SUPPORTED,
  PROP_KILL_SWITCH_ACTIVE,
  PROP_KILL_SWITCH_REASON,
  PROP_KILL_SWITCH_AT,
  PROP_KILL_SWITCH_BY,
  PROP_TRADING_BLOCKED,
  PROP_ACCOUNT_BLOCKED,
  PROP_CAN_HALT,
  PROP_CAN_RESUME,
  PROP_CAN_REDUCE,
  PROP_REPORTED,
  PROP_POLLED,
  PROP_LAST_ACTION,
  PROP_LAST_ACTION_AT,
  PROP_LAST_ACTION_BY,
  PROP_BREAKERS,
  PROP_LAST_ERROR,
  PROP_UPDATED_AT,
  PROP_N_CAUSES,
  PROP_N_TRIPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
replace_bool (gboolean *field,
              gboolean  value)
{
  value = !!value;
  if (*field == value)
    return FALSE;
  *field = value;
  return TRUE;
}

static void
cause_free (gpointer data)
{
  Cause *cause = data;

  g_free (cause->reason);
  g_free (cause->by);
  g_clear_pointer (&cause->since, g_date_time_unref);
  g_free (cause);
}

static void
tw_trading_state_finalize (GObject *object)
{
  TwTradingState *self = (TwTradingState *) object;

  g_free (self->service_id);
  g_free (self->service_name);
  g_free (self->reason);
  g_clear_pointer (&self->since, g_date_time_unref);
  g_free (self->by);
  g_free (self->kill_switch_reason);
  g_clear_pointer (&self->kill_switch_at, g_date_time_unref);
  g_free (self->kill_switch_by);
  g_free (self->last_action);
  g_clear_pointer (&self->last_action_at, g_date_time_unref);
  g_free (self->last_action_by);
  g_clear_object (&self->breakers);
  g_free (self->last_error);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  g_clear_pointer (&self->causes, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_trading_state_parent_class)->finalize (object);
}

static void
tw_trading_state_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TwTradingState *self = TW_TRADING_STATE (object);

  switch (prop_id)
    {
    case PROP_SERVICE_ID:            g_value_set_string (value, self->service_id); break;
    case PROP_SERVICE_NAME:          g_value_set_string (value, tw_trading_state_get_service_name (self)); break;
    case PROP_MODE:                  g_value_set_enum (value, self->mode); break;
    case PROP_REASON:                g_value_set_string (value, self->reason); break;
    case PROP_SINCE:                 g_value_set_boxed (value, self->since); break;
    case PROP_BY:                    g_value_set_string (value, self->by); break;
    case PROP_KILL_SWITCH_SUPPORTED: g_value_set_boolean (value, self->kill_switch_supported); break;
    case PROP_KILL_SWITCH_ACTIVE:    g_value_set_boolean (value, self->kill_switch_active); break;
    case PROP_KILL_SWITCH_REASON:    g_value_set_string (value, self->kill_switch_reason); break;
    case PROP_KILL_SWITCH_AT:        g_value_set_boxed (value, self->kill_switch_at); break;
    case PROP_KILL_SWITCH_BY:        g_value_set_string (value, self->kill_switch_by); break;
    case PROP_TRADING_BLOCKED:       g_value_set_boolean (value, self->trading_blocked); break;
    case PROP_ACCOUNT_BLOCKED:       g_value_set_boolean (value, self->account_blocked); break;
    case PROP_CAN_HALT:              g_value_set_boolean (value, self->can_halt); break;
    case PROP_CAN_RESUME:            g_value_set_boolean (value, self->can_resume); break;
    case PROP_CAN_REDUCE:            g_value_set_boolean (value, self->can_reduce); break;
    case PROP_REPORTED:              g_value_set_boolean (value, self->reported); break;
    case PROP_POLLED:                g_value_set_boolean (value, self->polled); break;
    case PROP_LAST_ACTION:           g_value_set_string (value, self->last_action); break;
    case PROP_LAST_ACTION_AT:        g_value_set_boxed (value, self->last_action_at); break;
    case PROP_LAST_ACTION_BY:        g_value_set_string (value, self->last_action_by); break;
    case PROP_BREAKERS:              g_value_set_object (value, self->breakers); break;
    case PROP_LAST_ERROR:            g_value_set_string (value, self->last_error); break;
    case PROP_UPDATED_AT:            g_value_set_boxed (value, self->updated_at); break;
    case PROP_N_CAUSES:              g_value_set_uint (value, self->causes->len); break;
    case PROP_N_TRIPPED:             g_value_set_uint (value, self->n_tripped); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_trading_state_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TwTradingState *self = TW_TRADING_STATE (object);
  gboolean changed = FALSE;

  switch (prop_id)
    {
    case PROP_SERVICE_ID:
      self->service_id = g_value_dup_string (value);
      return;
    case PROP_SERVICE_NAME:
      changed = tw_set_str (&self->service_name, g_value_get_string (value));
      break;
    case PROP_MODE:
      if (self->mode != (TwTradingMode) g_value_get_enum (value))
        {
          self->mode = g_value_get_enum (value);
          changed = TRUE;
        }
      break;
    case PROP_REASON:
      changed = tw_set_str (&self->reason, g_value_get_string (value));
      break;
    case PROP_SINCE:
      changed = tw_set_date_time (&self->since, g_value_get_boxed (value));
      break;
    case PROP_BY:
      changed = tw_set_str (&self->by, g_value_get_string (value));
      break;
    case PROP_KILL_SWITCH_SUPPORTED:
      changed = replace_bool (&self->kill_switch_supported, g_value_get_boolean (value));
      break;
    case PROP_KILL_SWITCH_ACTIVE:
      changed = replace_bool (&self->kill_switch_active, g_value_get_boolean (value));
      break;
    case PROP_KILL_SWITCH_REASON:
      changed = tw_set_str (&self->kill_switch_reason, g_value_get_string (value));
      break;
    case PROP_KILL_SWITCH_AT:
      changed = tw_set_date_time (&self->kill_switch_at, g_value_get_boxed (value));
      break;
    case PROP_KILL_SWITCH_BY:
      changed = tw_set_str (&self->kill_switch_by, g_value_get_string (value));
      break;
    case PROP_TRADING_BLOCKED:
      changed = replace_bool (&self->trading_blocked, g_value_get_boolean (value));
      break;
    case PROP_ACCOUNT_BLOCKED:
      changed = replace_bool (&self->account_blocked, g_value_get_boolean (value));
      break;
    case PROP_CAN_HALT:
      changed = replace_bool (&self->can_halt, g_value_get_boolean (value));
      break;
    case PROP_CAN_RESUME:
      changed = replace_bool (&self->can_resume, g_value_get_boolean (value));
      break;
    case PROP_CAN_REDUCE:
      changed = replace_bool (&self->can_reduce, g_value_get_boolean (value));
      break;
    case PROP_REPORTED:
      changed = replace_bool (&self->reported, g_value_get_boolean (value));
      break;
    case PROP_POLLED:
      changed = replace_bool (&self->polled, g_value_get_boolean (value));
      break;
    case PROP_LAST_ACTION:
      changed = tw_set_str (&self->last_action, g_value_get_string (value));
      break;
    case PROP_LAST_ACTION_AT:
      changed = tw_set_date_time (&self->last_action_at, g_value_get_boxed (value));
      break;
    case PROP_LAST_ACTION_BY:
      changed = tw_set_str (&self->last_action_by, g_value_get_string (value));
      break;
    case PROP_LAST_ERROR:
      changed = tw_set_str (&self->last_error, g_value_get_string (value));
      break;
    case PROP_UPDATED_AT:
      changed = tw_set_date_time (&self->updated_at, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  if (!changed)
    return;
  if (prop_id != PROP_UPDATED_AT)
    self->changes++;
  g_object_notify_by_pspec (object, pspec);
}

static void
tw_trading_state_class_init (TwTradingStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tw_trading_state_finalize;
  object_class->get_property = tw_trading_state_get_property;
  object_class->set_property = tw_trading_state_set_property;

  properties[PROP_SERVICE_ID] =
    g_param_spec_string ("service-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVICE_NAME] = g_param_spec_string ("service-name", NULL, NULL, NULL, rw);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, TW_TYPE_TRADING_MODE, TW_TRADING_UNKNOWN, rw);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, rw);
  properties[PROP_SINCE] = g_param_spec_boxed ("since", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_BY] = g_param_spec_string ("by", NULL, NULL, NULL, rw);
  properties[PROP_KILL_SWITCH_SUPPORTED] =
    g_param_spec_boolean ("kill-switch-supported", NULL, NULL, FALSE, rw);
  properties[PROP_KILL_SWITCH_ACTIVE] =
    g_param_spec_boolean ("kill-switch-active", NULL, NULL, FALSE, rw);
  properties[PROP_KILL_SWITCH_REASON] = g_param_spec_string ("kill-switch-reason", NULL, NULL, NULL, rw);
  properties[PROP_KILL_SWITCH_AT] =
    g_param_spec_boxed ("kill-switch-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_KILL_SWITCH_BY] = g_param_spec_string ("kill-switch-by", NULL, NULL, NULL, rw);
  properties[PROP_TRADING_BLOCKED] = g_param_spec_boolean ("trading-blocked", NULL, NULL, FALSE, rw);
  properties[PROP_ACCOUNT_BLOCKED] = g_param_spec_boolean ("account-blocked", NULL, NULL, FALSE, rw);
  properties[PROP_CAN_HALT] = g_param_spec_boolean ("can-halt", NULL, NULL, FALSE, rw);
  properties[PROP_CAN_RESUME] = g_param_spec_boolean ("can-resume", NULL, NULL, FALSE, rw);
  properties[PROP_CAN_REDUCE] = g_param_spec_boolean ("can-reduce", NULL, NULL, FALSE, rw);
  properties[PROP_REPORTED] = g_param_spec_boolean ("reported", NULL, NULL, TRUE, rw);
  properties[PROP_POLLED] = g_param_spec_boolean ("polled", NULL, NULL, TRUE, rw);
  properties[PROP_LAST_ACTION] = g_param_spec_string ("last-action", NULL, NULL, NULL, rw);
  properties[PROP_LAST_ACTION_AT] =
    g_param_spec_boxed ("last-action-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_LAST_ACTION_BY] = g_param_spec_string ("last-action-by", NULL, NULL, NULL, rw);
  properties[PROP_BREAKERS] =
    g_param_spec_object ("breakers", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, rw);
  properties[PROP_UPDATED_AT] = g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_N_CAUSES] =
    g_param_spec_uint ("n-causes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Breakers tripped after the last merge: what summaries count, notified only when it
   * changes (the breakers themselves notify each of their own changes). */
  properties[PROP_N_TRIPPED] =
    g_param_spec_uint ("n-tripped", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_trading_state_init (TwTradingState *self)
{
  self->breakers = g_list_store_new (TW_TYPE_BREAKER);
  self->reported = TRUE;
  self->polled = TRUE;
  self->causes = g_ptr_array_new_with_free_func (cause_free);
}

TwTradingState *
tw_trading_state_new (const char *service_id,
                      const char *service_name)
{
  g_return_val_if_fail (service_id != NULL, NULL);

  return g_object_new (TW_TYPE_TRADING_STATE,
                       "service-id", service_id,
                       "service-name", service_name,
                       NULL);
}

const char *
tw_trading_state_get_service_id (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);
  return self->service_id;
}

const char *
tw_trading_state_get_service_name (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);
  return self->service_name ? self->service_name : self->service_id;
}

TwTradingMode
tw_trading_state_get_mode (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), TW_TRADING_UNKNOWN);
  return self->mode;
}

const char *
tw_trading_state_get_reason (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);
  return self->reason;
}

GDateTime *
tw_trading_state_get_since (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);
  return self->since;
}

const char *
tw_trading_state_get_by (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);
  return self->by;
}

gboolean
tw_trading_state_get_kill_switch_supported (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), FALSE);
  return self->kill_switch_supported;
}

gboolean
tw_trading_state_get_kill_switch_active (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), FALSE);
  return self->kill_switch_active;
}

gboolean
tw_trading_state_get_trading_blocked (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), FALSE);
  return self->trading_blocked;
}

gboolean
tw_trading_state_get_account_blocked (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), FALSE);
  return self->account_blocked;
}

gboolean
tw_trading_state_get_can_halt (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), FALSE);
  return self->can_halt;
}

gboolean
tw_trading_state_get_can_resume (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), FALSE);
  return self->can_resume;
}

GListModel *
tw_trading_state_get_breakers (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);
  return G_LIST_MODEL (self->breakers);
}

TwBreaker *
tw_trading_state_lookup_breaker (TwTradingState *self,
                                 const char     *breaker_id)
{
  guint n;

  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->breakers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (G_LIST_MODEL (self->breakers), i);

      if (g_strcmp0 (tw_breaker_get_id (breaker), breaker_id) == 0)
        return breaker;
    }
  return NULL;
}

static gboolean
array_has_id (GPtrArray  *breakers,
              const char *id)
{
  for (guint i = 0; i < breakers->len; i++)
    if (g_strcmp0 (tw_breaker_get_id (g_ptr_array_index (breakers, i)), id) == 0)
      return TRUE;
  return FALSE;
}

void
tw_trading_state_merge_breakers (TwTradingState *self,
                                 GPtrArray      *breakers)
{
  guint n;
  guint n_tripped = 0;

  g_return_if_fail (TW_IS_TRADING_STATE (self));
  g_return_if_fail (breakers != NULL);

  /* Remove the gone ones from the end so indexes stay valid. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->breakers));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(TwBreaker) old = g_list_model_get_item (G_LIST_MODEL (self->breakers), i - 1);

      if (!array_has_id (breakers, tw_breaker_get_id (old)))
        g_list_store_remove (self->breakers, i - 1);
    }

  for (guint i = 0; i < breakers->len; i++)
    {
      TwBreaker *fresh = g_ptr_array_index (breakers, i);
      TwBreaker *existing = tw_trading_state_lookup_breaker (self, tw_breaker_get_id (fresh));

      if (existing != NULL)
        tw_breaker_update_from (existing, fresh);
      else
        g_list_store_append (self->breakers, fresh);
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->breakers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (G_LIST_MODEL (self->breakers), i);

      n_tripped += tw_breaker_is_tripped (breaker);
    }
  if (n_tripped != self->n_tripped)
    {
      self->n_tripped = n_tripped;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TRIPPED]);
    }
}

guint
tw_trading_state_get_n_tripped (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), 0);
  return self->n_tripped;
}

gboolean
tw_trading_state_is_halted (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), FALSE);

  return self->mode == TW_TRADING_HALTED || self->kill_switch_active || self->trading_blocked;
}

gboolean
tw_trading_state_get_reported (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), TRUE);
  return self->reported;
}

const char *
tw_trading_state_get_last_action (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);
  return self->last_action;
}

GDateTime *
tw_trading_state_get_last_action_at (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);
  return self->last_action_at;
}

const char *
tw_trading_state_get_last_action_by (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), NULL);
  return self->last_action_by;
}

void
tw_trading_state_note_action (TwTradingState *self,
                              const char     *operation,
                              const char     *by)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_if_fail (TW_IS_TRADING_STATE (self));
  g_return_if_fail (operation != NULL);

  now = g_date_time_new_now_utc ();
  g_object_freeze_notify (G_OBJECT (self));
  g_object_set (self, "last-action-at", now, "last-action-by", by, "last-action", operation, NULL);
  g_object_thaw_notify (G_OBJECT (self));
}

void
tw_trading_state_set_answered (TwTradingState *self,
                               GDateTime      *updated_at,
                               const char     *last_error)
{
  g_return_if_fail (TW_IS_TRADING_STATE (self));

  /* In g_object_set ()'s order: the error, then the time. */
  if (tw_set_str (&self->last_error, last_error))
    {
      self->changes++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
    }
  if (tw_set_date_time (&self->updated_at, updated_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

guint64
tw_trading_state_get_changes (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), 0);
  return self->changes;
}

gboolean
tw_trading_state_get_polled (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), TRUE);
  return self->polled;
}

gboolean
tw_trading_state_is_halted_by_console (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), FALSE);

  return !self->reported &&
         (g_strcmp0 (self->last_action, "trading.halt") == 0 ||
          g_strcmp0 (self->last_action, "trading.emergency_stop") == 0);
}

/* The halt's cause as the service says it now: its reason (or the kill switch's when
 * that is what holds it), who set it and since when. */
static void
current_cause (TwTradingState  *self,
               const char     **reason,
               const char     **by,
               GDateTime      **since)
{
  if (self->mode != TW_TRADING_HALTED && self->kill_switch_active)
    {
      *reason = self->kill_switch_reason;
      *by = self->kill_switch_by;
      *since = self->kill_switch_at;
    }
  else
    {
      *reason = self->reason;
      *by = self->by;
      *since = self->since;
    }
}

void
tw_trading_state_note_cause (TwTradingState *self)
{
  const char *reason;
  const char *by;
  GDateTime *since;
  Cause *last;
  Cause *cause;

  g_return_if_fail (TW_IS_TRADING_STATE (self));

  if (!tw_trading_state_is_halted (self))
    {
      if (self->causes->len > 0)
        {
          g_ptr_array_set_size (self->causes, 0);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CAUSES]);
        }
      return;
    }

  current_cause (self, &reason, &by, &since);
  if ((reason == NULL || *reason == '\0') && (by == NULL || *by == '\0'))
    return;
  last = self->causes->len > 0 ? g_ptr_array_index (self->causes, self->causes->len - 1) : NULL;
  if (last != NULL && g_strcmp0 (last->reason, reason) == 0 && g_strcmp0 (last->by, by) == 0)
    {
      /* The same cause: the service may only have refined its time. */
      if (since != NULL && last->since == NULL)
        last->since = g_date_time_ref (since);
      return;
    }

  cause = g_new0 (Cause, 1);
  cause->reason = g_strdup (reason);
  cause->by = g_strdup (by);
  cause->since = since != NULL ? g_date_time_ref (since) : g_date_time_new_now_local ();
  g_ptr_array_add (self->causes, cause);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CAUSES]);
}

guint
tw_trading_state_get_n_causes (TwTradingState *self)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (self), 0);
  return self->causes->len;
}

gboolean
tw_trading_state_get_cause (TwTradingState  *self,
                            guint            index,
                            const char     **reason,
                            const char     **by,
                            GDateTime      **since)
{
  Cause *cause;

  g_return_val_if_fail (TW_IS_TRADING_STATE (self), FALSE);

  if (index >= self->causes->len)
    return FALSE;
  cause = g_ptr_array_index (self->causes, index);
  if (reason != NULL)
    *reason = cause->reason;
  if (by != NULL)
    *by = cause->by;
  if (since != NULL)
    *since = cause->since;
  return TRUE;
}
