/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-audit-record.h"
#include "tw-audit-private.h"

struct _TwAuditRecord
{
  GObject         parent_instance;

  gint64          id;
  gint64          time_us;
  char           *profile;
  char           *mode;
  char           *actor;
  char           *action;
  char           *target;
  char           *reason;
  TwAuditOutcome  outcome;
  guint           http_status;
  char           *message;
  gint64          request_id;
  char           *prev_hash;
  char           *hash;
};

G_DEFINE_FINAL_TYPE (TwAuditRecord, tw_audit_record, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TwAuditOutcome, tw_audit_outcome,
  G_DEFINE_ENUM_VALUE (TW_AUDIT_OUTCOME_REQUESTED, "requested"),
  G_DEFINE_ENUM_VALUE (TW_AUDIT_OUTCOME_OK, "ok"),
  G_DEFINE_ENUM_VALUE (TW_AUDIT_OUTCOME_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (TW_AUDIT_OUTCOME_REFUSED, "refused"),
  G_DEFINE_ENUM_VALUE (TW_AUDIT_OUTCOME_INTERRUPTED, "interrupted"))

enum {
  PROP_0,
  PROP_ID,
  PROP_TIME,
  PROP_TIME_US,
  PROP_PROFILE,
  PROP_MODE,
  PROP_ACTOR,
  PROP_ACTION,
  PROP_TARGET,
  PROP_REASON,
  PROP_OUTCOME,
  PROP_HTTP_STATUS,
  PROP_MESSAGE,
  PROP_REQUEST_ID,
  PROP_PREV_HASH,
  PROP_HASH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
tw_audit_outcome_to_string (TwAuditOutcome outcome)
{
  switch (outcome)
    {
    case TW_AUDIT_OUTCOME_REQUESTED: return "requested";
    case TW_AUDIT_OUTCOME_OK:        return "ok";
    case TW_AUDIT_OUTCOME_FAILED:    return "failed";
    case TW_AUDIT_OUTCOME_REFUSED:   return "refused";
    case TW_AUDIT_OUTCOME_INTERRUPTED: return "interrupted";
    default:                         return "failed";
    }
}

gboolean
tw_audit_outcome_from_string (const char     *str,
                              TwAuditOutcome *outcome)
{
  static const TwAuditOutcome all[] = {
    TW_AUDIT_OUTCOME_REQUESTED, TW_AUDIT_OUTCOME_OK,
    TW_AUDIT_OUTCOME_FAILED, TW_AUDIT_OUTCOME_REFUSED, TW_AUDIT_OUTCOME_INTERRUPTED,
  };

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_strcmp0 (str, tw_audit_outcome_to_string (all[i])) == 0)
      {
        if (outcome != NULL)
          *outcome = all[i];
        return TRUE;
      }

  return FALSE;
}

static void
tw_audit_record_finalize (GObject *object)
{
  TwAuditRecord *self = TW_AUDIT_RECORD (object);

  g_free (self->profile);
  g_free (self->mode);
  g_free (self->actor);
  g_free (self->action);
  g_free (self->target);
  g_free (self->reason);
  g_free (self->message);
  g_free (self->prev_hash);
  g_free (self->hash);

  G_OBJECT_CLASS (tw_audit_record_parent_class)->finalize (object);
}

static void
tw_audit_record_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TwAuditRecord *self = TW_AUDIT_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:          g_value_set_int64 (value, self->id); break;
    case PROP_TIME:        g_value_take_boxed (value, tw_audit_record_dup_time (self)); break;
    case PROP_TIME_US:     g_value_set_int64 (value, self->time_us); break;
    case PROP_PROFILE:     g_value_set_string (value, self->profile); break;
    case PROP_MODE:        g_value_set_string (value, self->mode); break;
    case PROP_ACTOR:       g_value_set_string (value, self->actor); break;
    case PROP_ACTION:      g_value_set_string (value, self->action); break;
    case PROP_TARGET:      g_value_set_string (value, self->target); break;
    case PROP_REASON:      g_value_set_string (value, self->reason); break;
    case PROP_OUTCOME:     g_value_set_enum (value, self->outcome); break;
    case PROP_HTTP_STATUS: g_value_set_uint (value, self->http_status); break;
    case PROP_MESSAGE:     g_value_set_string (value, self->message); break;
    case PROP_REQUEST_ID:  g_value_set_int64 (value, self->request_id); break;
    case PROP_PREV_HASH:   g_value_set_string (value, self->prev_hash); break;
    case PROP_HASH:        g_value_set_string (value, self->hash); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_pspec (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
tw_audit_record_class_init (TwAuditRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tw_audit_record_finalize;
  object_class->get_property = tw_audit_record_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TIME] = g_param_spec_boxed ("time", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_TIME_US] = g_param_spec_int64 ("time-us", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_PROFILE] = string_pspec ("profile");
  properties[PROP_MODE] = string_pspec ("mode");
  properties[PROP_ACTOR] = string_pspec ("actor");
  properties[PROP_ACTION] = string_pspec ("action");
  properties[PROP_TARGET] = string_pspec ("target");
  properties[PROP_REASON] = string_pspec ("reason");
  properties[PROP_OUTCOME] = g_param_spec_enum ("outcome", NULL, NULL, TW_TYPE_AUDIT_OUTCOME,
                                                TW_AUDIT_OUTCOME_REQUESTED, flags);
  properties[PROP_HTTP_STATUS] = g_param_spec_uint ("http-status", NULL, NULL, 0, 999, 0, flags);
  properties[PROP_MESSAGE] = string_pspec ("message");
  properties[PROP_REQUEST_ID] = g_param_spec_int64 ("request-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PREV_HASH] = string_pspec ("prev-hash");
  properties[PROP_HASH] = string_pspec ("hash");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_audit_record_init (TwAuditRecord *self)
{
}

TwAuditRecord *
_tw_audit_record_new (const TwAuditRow *row)
{
  TwAuditRecord *self = g_object_new (TW_TYPE_AUDIT_RECORD, NULL);

  self->id = row->id;
  self->time_us = row->time_us;
  self->profile = g_strdup (row->profile);
  self->mode = g_strdup (row->mode);
  self->actor = g_strdup (row->actor);
  self->action = g_strdup (row->action);
  self->target = g_strdup (row->target);
  self->reason = g_strdup (row->reason);
  if (!tw_audit_outcome_from_string (row->outcome, &self->outcome))
    self->outcome = TW_AUDIT_OUTCOME_FAILED;
  self->http_status = row->http_status;
  self->message = g_strdup (row->message);
  self->request_id = row->request_id;
  self->prev_hash = g_strdup (row->prev_hash);
  self->hash = g_strdup (row->hash);

  return self;
}

gint64
tw_audit_record_get_id (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), 0);

  return self->id;
}

const char *
tw_audit_record_get_profile (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  return self->profile;
}

const char *
tw_audit_record_get_mode (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  return self->mode;
}

const char *
tw_audit_record_get_actor (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  return self->actor;
}

const char *
tw_audit_record_get_action (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  return self->action;
}

const char *
tw_audit_record_get_target (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  return self->target;
}

const char *
tw_audit_record_get_reason (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  return self->reason;
}

TwAuditOutcome
tw_audit_record_get_outcome (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), 0);

  return self->outcome;
}

guint
tw_audit_record_get_http_status (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), 0);

  return self->http_status;
}

const char *
tw_audit_record_get_message (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  return self->message;
}

gint64
tw_audit_record_get_request_id (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), 0);

  return self->request_id;
}

const char *
tw_audit_record_get_prev_hash (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  return self->prev_hash;
}

const char *
tw_audit_record_get_hash (TwAuditRecord *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  return self->hash;
}


GDateTime *
tw_audit_record_dup_time (TwAuditRecord *self)
{
  g_autoptr(GDateTime) epoch = NULL;

  g_return_val_if_fail (TW_IS_AUDIT_RECORD (self), NULL);

  epoch = g_date_time_new_from_unix_utc (0);
  return g_date_time_add (epoch, self->time_us);
}
