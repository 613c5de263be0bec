/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-guard.h"

#include <glib/gi18n-lib.h>

#include "tw-enum-types.h"
#include "tw-error.h"
#include "tw-util.h"

/* The policy of DESIGN.md: easy to make safe, hard to make risky. It lives in core so
 * that no front end (window, notification button, command line, D-Bus) can skip it. */
static const TwGuardActionInfo actions[] = {
  { "trading.halt",            TW_GUARD_TOWARD_SAFETY,     N_("Halt trading") },
  { "trading.halt_all",        TW_GUARD_TOWARD_SAFETY,     N_("Halt all trading") },
  { "trading.reduce",          TW_GUARD_TOWARD_SAFETY,     N_("Reduce only") },
  { "trading.emergency_stop",  TW_GUARD_TOWARD_SAFETY,     N_("Emergency stop") },
  { "killswitch.activate",     TW_GUARD_TOWARD_SAFETY,     N_("Activate the kill switch") },
  { "flags.disable",           TW_GUARD_TOWARD_SAFETY,     N_("Disable a feature flag") },
  { "trading.resume",          TW_GUARD_AWAY_FROM_SAFETY,  N_("Resume trading") },
  { "breakers.reset",          TW_GUARD_AWAY_FROM_SAFETY,  N_("Reset a circuit breaker") },
  { "killswitch.deactivate",   TW_GUARD_AWAY_FROM_SAFETY,  N_("Deactivate the kill switch") },
  { "flags.enable",            TW_GUARD_AWAY_FROM_SAFETY,  N_("Enable a feature flag") },
  { "flags.set",               TW_GUARD_AWAY_FROM_SAFETY,  N_("Change a feature flag") },
  { "risk.parameters.set",     TW_GUARD_AWAY_FROM_SAFETY,  N_("Change risk parameters") },
  { "ratelimit.reset",         TW_GUARD_AWAY_FROM_SAFETY,  N_("Reset a rate-limit quota") },
  { "positions.close",         TW_GUARD_DESTRUCTIVE,       N_("Close a position") },
  { "positions.close_all",     TW_GUARD_DESTRUCTIVE,       N_("Close all positions") },
  { "account.flatten",         TW_GUARD_DESTRUCTIVE,       N_("Flatten the account") },
  { "orders.cancel",           TW_GUARD_DESTRUCTIVE,       N_("Cancel an order") },
  { "orders.cancel_all",       TW_GUARD_DESTRUCTIVE,       N_("Cancel all orders") },
  { "backup.restore",          TW_GUARD_DESTRUCTIVE,       N_("Restore a database") },
  { "backup.delete",           TW_GUARD_DESTRUCTIVE,       N_("Delete a backup") },
  { "keys.rotate",             TW_GUARD_DESTRUCTIVE,       N_("Rotate a key") },
  { "keys.revoke",             TW_GUARD_DESTRUCTIVE,       N_("Revoke a key") },
};

static const struct
{
  const char *id;
  const char *label;
  gboolean    automatic;
} checks[] = {
  { TW_GUARD_CHECK_ROOT_CAUSE,       N_("Root cause identified"),       FALSE },
  { TW_GUARD_CHECK_HEALTH_GREEN,     N_("All services healthy"),        TRUE },
  { TW_GUARD_CHECK_BROKER_CONNECTED, N_("Broker connected"),            TRUE },
  { TW_GUARD_CHECK_TRADES_REVIEWED,  N_("Recent trades reviewed"),      FALSE },
  { TW_GUARD_CHECK_EXCHANGE_BLOCKING, N_("The exchange already blocks our requests"), FALSE },
};

struct _TwGuardRequest
{
  GObject     parent_instance;

  const TwGuardActionInfo *info;
  char       *action;
  char       *target;
  char       *profile_name;
  TwMode      mode;
  char       *reason;
  char       *typed_confirmation;
  char       *breaker_kind;
  GPtrArray  *checklist;
  GHashTable *checked;
  /* feature flags (tw_guard_request_set_flag) */
  char       *flag_name;
  char       *flag_risk;
  gboolean    flag_toward_safety;
  char       *typed_flag;
};

G_DEFINE_FINAL_TYPE (TwGuardRequest, tw_guard_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACTION,
  PROP_TARGET,
  PROP_PROFILE_NAME,
  PROP_MODE,
  PROP_REASON,
  PROP_TYPED_CONFIRMATION,
  PROP_BREAKER_KIND,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const TwGuardActionInfo *
tw_guard_lookup_action (const char *action)
{
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_strcmp0 (actions[i].action, action) == 0)
      return &actions[i];
  return NULL;
}

gboolean
tw_guard_check_is_automatic (const char *check_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    if (g_strcmp0 (checks[i].id, check_id) == 0)
      return checks[i].automatic;
  return FALSE;
}

const char *
tw_guard_check_get_label (const char *check_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    if (g_strcmp0 (checks[i].id, check_id) == 0)
      return checks[i].label;
  return check_id;
}

static void
rebuild_checklist (TwGuardRequest *self)
{
  g_ptr_array_set_size (self->checklist, 0);

  if (self->info == NULL || self->info->direction != TW_GUARD_AWAY_FROM_SAFETY ||
      self->flag_name != NULL)
    return;

  /* 001, Rate Gate API Exhaustion: "Only reset quotas if exchanges are already blocking
   * — resetting early masks quota leaks": that, and nothing about health, which a
   * spent quota has made red anyway. */
  if (g_str_equal (self->info->action, "ratelimit.reset"))
    {
      g_ptr_array_add (self->checklist, (gpointer) TW_GUARD_CHECK_EXCHANGE_BLOCKING);
      return;
    }

  g_ptr_array_add (self->checklist, (gpointer) TW_GUARD_CHECK_ROOT_CAUSE);
  g_ptr_array_add (self->checklist, (gpointer) TW_GUARD_CHECK_HEALTH_GREEN);
  g_ptr_array_add (self->checklist, (gpointer) TW_GUARD_CHECK_BROKER_CONNECTED);
  if (g_strcmp0 (self->breaker_kind, "loss") == 0)
    g_ptr_array_add (self->checklist, (gpointer) TW_GUARD_CHECK_TRADES_REVIEWED);
}

static void
tw_guard_request_finalize (GObject *object)
{
  TwGuardRequest *self = (TwGuardRequest *) object;

  g_free (self->action);
  g_free (self->target);
  g_free (self->profile_name);
  g_free (self->reason);
  g_free (self->typed_confirmation);
  g_free (self->breaker_kind);
  g_free (self->flag_name);
  g_free (self->flag_risk);
  g_free (self->typed_flag);
  g_ptr_array_unref (self->checklist);
  g_hash_table_unref (self->checked);

  G_OBJECT_CLASS (tw_guard_request_parent_class)->finalize (object);
}

static void
tw_guard_request_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TwGuardRequest *self = TW_GUARD_REQUEST (object);

  switch (prop_id)
    {
    case PROP_ACTION:
      g_value_set_string (value, self->action);
      break;
    case PROP_TARGET:
      g_value_set_string (value, self->target);
      break;
    case PROP_PROFILE_NAME:
      g_value_set_string (value, self->profile_name);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_TYPED_CONFIRMATION:
      g_value_set_string (value, self->typed_confirmation);
      break;
    case PROP_BREAKER_KIND:
      g_value_set_string (value, self->breaker_kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_guard_request_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TwGuardRequest *self = TW_GUARD_REQUEST (object);

  switch (prop_id)
    {
    case PROP_ACTION:
      self->action = g_value_dup_string (value);
      self->info = tw_guard_lookup_action (self->action);
      rebuild_checklist (self);
      break;
    case PROP_TARGET:
      self->target = g_value_dup_string (value);
      break;
    case PROP_PROFILE_NAME:
      self->profile_name = g_value_dup_string (value);
      break;
    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;
    case PROP_REASON:
      tw_guard_request_set_reason (self, g_value_get_string (value));
      break;
    case PROP_TYPED_CONFIRMATION:
      tw_guard_request_set_typed_confirmation (self, g_value_get_string (value));
      break;
    case PROP_BREAKER_KIND:
      tw_guard_request_set_breaker_kind (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_guard_request_class_init (TwGuardRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_guard_request_finalize;
  object_class->get_property = tw_guard_request_get_property;
  object_class->set_property = tw_guard_request_set_property;

  properties[PROP_ACTION] =
    g_param_spec_string ("action", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TARGET] =
    g_param_spec_string ("target", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE_NAME] =
    g_param_spec_string ("profile-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, TW_TYPE_MODE, TW_MODE_PAPER,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TYPED_CONFIRMATION] =
    g_param_spec_string ("typed-confirmation", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BREAKER_KIND] =
    g_param_spec_string ("breaker-kind", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TwGuardRequest::changed:
   *
   * Something the check depends on changed (reason, typed name, a tick): a dialog
   * re-evaluates tw_guard_request_check() to set its Confirm button's sensitivity.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tw_guard_request_init (TwGuardRequest *self)
{
  self->checklist = g_ptr_array_new ();
  self->checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

TwGuardRequest *
tw_guard_request_new (const char *action,
                      const char *target,
                      const char *profile_name,
                      TwMode      mode)
{
  g_return_val_if_fail (action != NULL, NULL);

  return g_object_new (TW_TYPE_GUARD_REQUEST,
                       "action", action,
                       "target", target,
                       "profile-name", profile_name,
                       "mode", mode,
                       NULL);
}

const char *
tw_guard_request_get_action (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), NULL);
  return self->action;
}

const char *
tw_guard_request_get_target (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), NULL);
  return self->target;
}

const char *
tw_guard_request_get_profile_name (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), NULL);
  return self->profile_name;
}

TwMode
tw_guard_request_get_mode (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), TW_MODE_PAPER);
  return self->mode;
}

TwGuardDirection
tw_guard_request_get_direction (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), TW_GUARD_DESTRUCTIVE);
  if (self->info != NULL && self->flag_name != NULL)
    return self->flag_toward_safety ? TW_GUARD_TOWARD_SAFETY : TW_GUARD_AWAY_FROM_SAFETY;
  /* An action the guard does not know is treated as the most demanding kind. */
  return self->info != NULL ? self->info->direction : TW_GUARD_DESTRUCTIVE;
}

const char *
tw_guard_request_get_reason (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), NULL);
  return self->reason;
}

void
tw_guard_request_set_reason (TwGuardRequest *self,
                             const char     *reason)
{
  g_return_if_fail (TW_IS_GUARD_REQUEST (self));

  if (tw_set_str (&self->reason, reason))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASON]);
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

const char *
tw_guard_request_get_typed_confirmation (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), NULL);
  return self->typed_confirmation;
}

void
tw_guard_request_set_typed_confirmation (TwGuardRequest *self,
                                         const char     *text)
{
  g_return_if_fail (TW_IS_GUARD_REQUEST (self));

  if (tw_set_str (&self->typed_confirmation, text))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPED_CONFIRMATION]);
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

void
tw_guard_request_set_breaker_kind (TwGuardRequest *self,
                                   const char     *kind)
{
  g_return_if_fail (TW_IS_GUARD_REQUEST (self));

  if (tw_set_str (&self->breaker_kind, kind))
    {
      rebuild_checklist (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BREAKER_KIND]);
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

GPtrArray *
tw_guard_request_get_checklist (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), NULL);
  return self->checklist;
}

void
tw_guard_request_set_checked (TwGuardRequest *self,
                              const char     *check_id,
                              gboolean        checked)
{
  gboolean was;

  g_return_if_fail (TW_IS_GUARD_REQUEST (self));
  g_return_if_fail (check_id != NULL);

  was = g_hash_table_contains (self->checked, check_id);
  if (was == !!checked)
    return;

  if (checked)
    g_hash_table_add (self->checked, g_strdup (check_id));
  else
    g_hash_table_remove (self->checked, check_id);

  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
tw_guard_request_get_checked (TwGuardRequest *self,
                              const char     *check_id)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), FALSE);
  return g_hash_table_contains (self->checked, check_id);
}

gboolean
tw_guard_request_needs_reason (TwGuardRequest *self)
{
  return tw_guard_request_get_direction (self) != TW_GUARD_TOWARD_SAFETY;
}

gboolean
tw_guard_request_needs_typed_name (TwGuardRequest *self)
{
  if (self->flag_name != NULL)
    return self->mode == TW_MODE_LIVE && tw_guard_request_needs_typed_flag (self);
  return tw_guard_request_get_direction (self) == TW_GUARD_DESTRUCTIVE &&
         self->mode == TW_MODE_LIVE;
}

void
tw_guard_request_set_flag (TwGuardRequest *self,
                           const char     *flag_name,
                           const char     *risk,
                           gboolean        toward_safety)
{
  g_return_if_fail (TW_IS_GUARD_REQUEST (self));
  g_return_if_fail (flag_name != NULL);

  tw_set_str (&self->flag_name, flag_name);
  tw_set_str (&self->flag_risk, risk);
  self->flag_toward_safety = !!toward_safety;
  rebuild_checklist (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

const char *
tw_guard_request_get_flag_name (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), NULL);
  return self->flag_name;
}

gboolean
tw_guard_request_needs_typed_flag (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), FALSE);

  return self->flag_name != NULL && !self->flag_toward_safety &&
         (g_strcmp0 (self->flag_risk, "high") == 0 || g_strcmp0 (self->flag_risk, "critical") == 0);
}

const char *
tw_guard_request_get_typed_flag (TwGuardRequest *self)
{
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), NULL);
  return self->typed_flag;
}

void
tw_guard_request_set_typed_flag (TwGuardRequest *self,
                                 const char     *text)
{
  g_return_if_fail (TW_IS_GUARD_REQUEST (self));

  if (tw_set_str (&self->typed_flag, text))
    g_signal_emit (self, signals[CHANGED], 0);
}

static gsize
reason_length (const char *reason)
{
  g_autofree char *stripped = NULL;

  if (reason == NULL)
    return 0;
  stripped = g_strstrip (g_strdup (reason));
  return g_utf8_strlen (stripped, -1);
}

/**
 * tw_guard_request_dup_missing:
 *
 * Returns: (transfer full) (nullable): what is still needed, in plain English ("a reason
 *   of at least 10 characters; “Root cause identified”"), or %NULL when every requirement
 *   is met (and for an action the guard does not know: tw_guard_request_check() says so)
 */
char *
tw_guard_request_dup_missing (TwGuardRequest *self)
{
  g_autoptr(GString) missing = NULL;

  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), NULL);

  if (self->info == NULL)
    return NULL;

  missing = g_string_new (NULL);

  if (tw_guard_request_needs_reason (self) &&
      reason_length (self->reason) < TW_GUARD_MIN_REASON_LENGTH)
    g_string_append_printf (missing, _("a reason of at least %d characters"),
                            TW_GUARD_MIN_REASON_LENGTH);

  for (guint i = 0; i < self->checklist->len; i++)
    {
      const char *id = g_ptr_array_index (self->checklist, i);

      if (!g_hash_table_contains (self->checked, id))
        {
          if (missing->len > 0)
            g_string_append (missing, "; ");
          /* Translators: a checklist item still to be ticked, e.g. “Root cause identified” */
          g_string_append_printf (missing, _("“%s”"), _(tw_guard_check_get_label (id)));
        }
    }

  if (tw_guard_request_needs_typed_flag (self) &&
      g_strcmp0 (self->typed_flag, self->flag_name) != 0)
    {
      if (missing->len > 0)
        g_string_append (missing, "; ");
      /* Translators: %s is a feature flag's name, e.g. live_trading_mode */
      g_string_append_printf (missing, _("the flag’s name “%s” typed to confirm"), self->flag_name);
    }

  if (tw_guard_request_needs_typed_name (self) &&
      (self->profile_name == NULL || g_strcmp0 (self->typed_confirmation, self->profile_name) != 0))
    {
      if (missing->len > 0)
        g_string_append (missing, "; ");
      g_string_append_printf (missing, _("the profile’s name “%s” typed to confirm a live action"),
                              self->profile_name ? self->profile_name : "");
    }

  if (missing->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&missing), FALSE);
}

gboolean
tw_guard_request_check (TwGuardRequest  *self,
                        GError         **error)
{
  g_autofree char *missing = NULL;

  g_return_val_if_fail (TW_IS_GUARD_REQUEST (self), FALSE);

  if (self->info == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("“%s” is not an action Trade Warden knows how to guard; it was not sent."),
                   self->action);
      return FALSE;
    }

  missing = tw_guard_request_dup_missing (self);
  if (missing != NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   /* Translators: the first %s is an action (“Resume trading”), the
                    * second what it still needs */
                   _("%s was refused and nothing was sent. Still needed: %s."),
                   _(self->info->title), missing);
      return FALSE;
    }

  return TRUE;
}
