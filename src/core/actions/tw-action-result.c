/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-action-runner.h"

#include "tw-action-private.h"

/* The result of one service's part of a multi-service action: a read-only model
 * object (construct-only properties) the window lists after "Halt all". */
struct _TwActionResult
{
  GObject  parent_instance;

  char    *service_id;
  char    *service_name;
  gboolean ok;
  guint    http_status;
  char    *message;
  double   latency_ms;
  TwActionOutcome outcome;
  gboolean read_back;
};

G_DEFINE_FINAL_TYPE (TwActionResult, tw_action_result, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVICE_ID,
  PROP_SERVICE_NAME,
  PROP_OK,
  PROP_HTTP_STATUS,
  PROP_MESSAGE,
  PROP_LATENCY_MS,
  PROP_OUTCOME,
  PROP_READ_BACK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tw_action_result_finalize (GObject *object)
{
  TwActionResult *self = TW_ACTION_RESULT (object);

  g_free (self->service_id);
  g_free (self->service_name);
  g_free (self->message);

  G_OBJECT_CLASS (tw_action_result_parent_class)->finalize (object);
}

static void
tw_action_result_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TwActionResult *self = TW_ACTION_RESULT (object);

  switch (prop_id)
    {
    case PROP_SERVICE_ID:
      g_value_set_string (value, self->service_id);
      break;
    case PROP_SERVICE_NAME:
      g_value_set_string (value, self->service_name);
      break;
    case PROP_OK:
      g_value_set_boolean (value, self->ok);
      break;
    case PROP_HTTP_STATUS:
      g_value_set_uint (value, self->http_status);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_LATENCY_MS:
      g_value_set_double (value, self->latency_ms);
      break;
    case PROP_OUTCOME:
      g_value_set_uint (value, self->outcome);
      break;
    case PROP_READ_BACK:
      g_value_set_boolean (value, self->read_back);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_action_result_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TwActionResult *self = TW_ACTION_RESULT (object);

  switch (prop_id)
    {
    case PROP_SERVICE_ID:
      self->service_id = g_value_dup_string (value);
      break;
    case PROP_SERVICE_NAME:
      self->service_name = g_value_dup_string (value);
      break;
    case PROP_OK:
      self->ok = g_value_get_boolean (value);
      break;
    case PROP_HTTP_STATUS:
      self->http_status = g_value_get_uint (value);
      break;
    case PROP_MESSAGE:
      self->message = g_value_dup_string (value);
      break;
    case PROP_LATENCY_MS:
      self->latency_ms = g_value_get_double (value);
      break;
    case PROP_OUTCOME:
      self->outcome = g_value_get_uint (value);
      break;
    case PROP_READ_BACK:
      self->read_back = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_action_result_class_init (TwActionResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tw_action_result_finalize;
  object_class->get_property = tw_action_result_get_property;
  object_class->set_property = tw_action_result_set_property;

  properties[PROP_SERVICE_ID] = g_param_spec_string ("service-id", NULL, NULL, NULL, flags);
  properties[PROP_SERVICE_NAME] = g_param_spec_string ("service-name", NULL, NULL, NULL, flags);
  properties[PROP_OK] = g_param_spec_boolean ("ok", NULL, NULL, FALSE, flags);
  properties[PROP_HTTP_STATUS] = g_param_spec_uint ("http-status", NULL, NULL, 0, 999, 0, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_LATENCY_MS] =
    g_param_spec_double ("latency-ms", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_OUTCOME] =
    g_param_spec_uint ("outcome", NULL, NULL, 0, TW_ACTION_OUTCOME_UNSUPPORTED,
                       TW_ACTION_OUTCOME_FAILED, flags);
  properties[PROP_READ_BACK] = g_param_spec_boolean ("read-back", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_action_result_init (TwActionResult *self)
{
}

TwActionResult *
_tw_action_result_new (const char *service_id,
                       const char *service_name,
                       gboolean    ok,
                       guint       http_status,
                       const char *message,
                       double      latency_ms)
{
  return _tw_action_result_new_full (service_id, service_name,
                                     ok ? TW_ACTION_OUTCOME_DONE : TW_ACTION_OUTCOME_FAILED,
                                     FALSE, http_status, message, latency_ms);
}

/* "ok" is TRUE for done and already done: the state the action asked for holds. */
TwActionResult *
_tw_action_result_new_full (const char      *service_id,
                            const char      *service_name,
                            TwActionOutcome  outcome,
                            gboolean         read_back,
                            guint            http_status,
                            const char      *message,
                            double           latency_ms)
{
  return g_object_new (TW_TYPE_ACTION_RESULT,
                       "service-id", service_id,
                       "service-name", service_name,
                       "ok", outcome == TW_ACTION_OUTCOME_DONE || outcome == TW_ACTION_OUTCOME_ALREADY,
                       "outcome", (guint) outcome,
                       "read-back", read_back,
                       "http-status", http_status,
                       "message", message,
                       "latency-ms", MAX (latency_ms, 0.0),
                       NULL);
}

const char *
tw_action_result_get_service_id (TwActionResult *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RESULT (self), NULL);

  return self->service_id;
}

const char *
tw_action_result_get_service_name (TwActionResult *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RESULT (self), NULL);

  return self->service_name;
}

gboolean
tw_action_result_get_ok (TwActionResult *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RESULT (self), FALSE);

  return self->ok;
}

guint
tw_action_result_get_http_status (TwActionResult *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RESULT (self), 0);

  return self->http_status;
}

const char *
tw_action_result_get_message (TwActionResult *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RESULT (self), NULL);

  return self->message;
}

double
tw_action_result_get_latency_ms (TwActionResult *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RESULT (self), 0);

  return self->latency_ms;
}

TwActionOutcome
tw_action_result_get_outcome (TwActionResult *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RESULT (self), TW_ACTION_OUTCOME_FAILED);

  return self->outcome;
}

gboolean
tw_action_result_get_read_back (TwActionResult *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RESULT (self), FALSE);

  return self->read_back;
}
