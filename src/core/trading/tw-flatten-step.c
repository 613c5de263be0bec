/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One step of a flatten (suspend, cancel, close): its title, state, summary and the
 * broker's per-entry result, as the flatten dialog shows them. */
#include "config.h"

#include "tw-flatten.h"
#include "tw-flatten-private.h"

GType
tw_flatten_step_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { TW_FLATTEN_STEP_PENDING, "TW_FLATTEN_STEP_PENDING", "pending" },
    { TW_FLATTEN_STEP_RUNNING, "TW_FLATTEN_STEP_RUNNING", "running" },
    { TW_FLATTEN_STEP_OK, "TW_FLATTEN_STEP_OK", "ok" },
    { TW_FLATTEN_STEP_PARTIAL, "TW_FLATTEN_STEP_PARTIAL", "partial" },
    { TW_FLATTEN_STEP_FAILED, "TW_FLATTEN_STEP_FAILED", "failed" },
    { TW_FLATTEN_STEP_SKIPPED, "TW_FLATTEN_STEP_SKIPPED", "skipped" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("TwFlattenStepState"),
                                                      values));
  return type;
}

struct _TwFlattenStep
{
  GObject             parent_instance;

  const char         *operation;
  const char         *title;
  TwFlattenStepState  state;
  char               *summary;
  TwMultiStatus      *result;
};

G_DEFINE_FINAL_TYPE (TwFlattenStep, tw_flatten_step, G_TYPE_OBJECT)

enum {
  STEP_PROP_0,
  STEP_PROP_OPERATION,
  STEP_PROP_TITLE,
  STEP_PROP_STATE,
  STEP_PROP_SUMMARY,
  STEP_PROP_RESULT,
  N_STEP_PROPS
};

static GParamSpec *step_properties[N_STEP_PROPS];

static void
tw_flatten_step_finalize (GObject *object)
{
  TwFlattenStep *self = (TwFlattenStep *) object;

  g_free (self->summary);
  g_clear_object (&self->result);

  G_OBJECT_CLASS (tw_flatten_step_parent_class)->finalize (object);
}

static void
tw_flatten_step_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TwFlattenStep *self = TW_FLATTEN_STEP (object);

  switch (prop_id)
    {
    case STEP_PROP_OPERATION: g_value_set_string (value, self->operation); break;
    case STEP_PROP_TITLE:     g_value_set_string (value, self->title); break;
    case STEP_PROP_STATE:     g_value_set_enum (value, self->state); break;
    case STEP_PROP_SUMMARY:   g_value_set_string (value, self->summary); break;
    case STEP_PROP_RESULT:    g_value_set_object (value, self->result); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_flatten_step_class_init (TwFlattenStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tw_flatten_step_finalize;
  object_class->get_property = tw_flatten_step_get_property;

  step_properties[STEP_PROP_OPERATION] = g_param_spec_string ("operation", NULL, NULL, NULL, ro);
  step_properties[STEP_PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  step_properties[STEP_PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TW_TYPE_FLATTEN_STEP_STATE, TW_FLATTEN_STEP_PENDING, ro);
  step_properties[STEP_PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, ro);
  step_properties[STEP_PROP_RESULT] =
    g_param_spec_object ("result", NULL, NULL, TW_TYPE_MULTI_STATUS, ro);

  g_object_class_install_properties (object_class, N_STEP_PROPS, step_properties);
}

static void
tw_flatten_step_init (TwFlattenStep *self)
{
}

TwFlattenStep *
_tw_flatten_step_new (const char *operation,
                      const char *title,
                      const char *summary)
{
  TwFlattenStep *self = g_object_new (TW_TYPE_FLATTEN_STEP, NULL);

  self->operation = operation;
  self->title = title;
  self->summary = g_strdup (summary);
  return self;
}

void
_tw_flatten_step_set (TwFlattenStep      *self,
                      TwFlattenStepState  state,
                      const char         *summary,
                      TwMultiStatus      *result)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), step_properties[STEP_PROP_STATE]);
    }
  if (g_strcmp0 (self->summary, summary) != 0)
    {
      g_free (self->summary);
      self->summary = g_strdup (summary);
      g_object_notify_by_pspec (G_OBJECT (self), step_properties[STEP_PROP_SUMMARY]);
    }
  if (g_set_object (&self->result, result))
    g_object_notify_by_pspec (G_OBJECT (self), step_properties[STEP_PROP_RESULT]);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
tw_flatten_step_get_operation (TwFlattenStep *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN_STEP (self), NULL);
  return self->operation;
}

const char *
tw_flatten_step_get_title (TwFlattenStep *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN_STEP (self), NULL);
  return self->title;
}

TwFlattenStepState
tw_flatten_step_get_state (TwFlattenStep *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN_STEP (self), TW_FLATTEN_STEP_PENDING);
  return self->state;
}

const char *
tw_flatten_step_get_summary (TwFlattenStep *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN_STEP (self), NULL);
  return self->summary;
}

TwMultiStatus *
tw_flatten_step_get_result (TwFlattenStep *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN_STEP (self), NULL);
  return self->result;
}
