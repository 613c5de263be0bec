/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-risk-parameters.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"
#include "tw-risk-parameters-private.h"
#include "tw-service.h"
#include "tw-util.h"

#define GET_OPERATION "risk.parameters.get"

struct _TwRiskParameters
{
  GObject    parent_instance;

  TwClient  *client;
  GPtrArray *items;       /* TwRiskParameter */
  gboolean   loaded;
  char      *last_error;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwRiskParameters, tw_risk_parameters, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_LOADED,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return TW_TYPE_RISK_PARAMETER;
}

static guint
get_n_items (GListModel *model)
{
  return TW_RISK_PARAMETERS (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  TwRiskParameters *self = TW_RISK_PARAMETERS (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
tw_risk_parameters_dispose (GObject *object)
{
  TwRiskParameters *self = TW_RISK_PARAMETERS (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (tw_risk_parameters_parent_class)->dispose (object);
}

static void
tw_risk_parameters_finalize (GObject *object)
{
  TwRiskParameters *self = TW_RISK_PARAMETERS (object);

  g_ptr_array_unref (self->items);
  g_free (self->last_error);

  G_OBJECT_CLASS (tw_risk_parameters_parent_class)->finalize (object);
}

static void
tw_risk_parameters_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TwRiskParameters *self = TW_RISK_PARAMETERS (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_risk_parameters_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TwRiskParameters *self = TW_RISK_PARAMETERS (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_risk_parameters_class_init (TwRiskParametersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_risk_parameters_dispose;
  object_class->finalize = tw_risk_parameters_finalize;
  object_class->get_property = tw_risk_parameters_get_property;
  object_class->set_property = tw_risk_parameters_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, TW_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_risk_parameters_init (TwRiskParameters *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

TwRiskParameters *
tw_risk_parameters_new (TwClient *client)
{
  g_return_val_if_fail (TW_IS_CLIENT (client), NULL);
  g_return_val_if_fail (tw_client_has_operation (client, GET_OPERATION), NULL);

  return g_object_new (TW_TYPE_RISK_PARAMETERS, "client", client, NULL);
}

TwClient *
tw_risk_parameters_get_client (TwRiskParameters *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS (self), NULL);

  return self->client;
}

gboolean
tw_risk_parameters_get_loaded (TwRiskParameters *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS (self), FALSE);

  return self->loaded;
}

const char *
tw_risk_parameters_get_last_error (TwRiskParameters *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS (self), NULL);

  return self->last_error;
}

TwRiskParameter *
tw_risk_parameters_lookup (TwRiskParameters *self,
                           const char       *key)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      TwRiskParameter *param = g_ptr_array_index (self->items, i);

      if (g_str_equal (tw_risk_parameter_get_key (param), key))
        return param;
    }
  return NULL;
}

static void
set_last_error (TwRiskParameters *self,
                const char       *message)
{
  if (tw_set_str (&self->last_error, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static const char *
service_name (TwRiskParameters *self)
{
  TwService *service = tw_client_get_service (self->client);
  const char *name = service != NULL ? tw_service_get_name (service) : NULL;

  return name != NULL ? name : (service != NULL ? tw_service_get_id (service) : _("the service"));
}

gboolean
tw_risk_parameters_apply_json (TwRiskParameters  *self,
                               JsonNode          *node,
                               GError           **error)
{
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  gboolean same_keys;

  g_return_val_if_fail (TW_IS_RISK_PARAMETERS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("The risk parameters of %s are not a JSON object: check the connector's "
                     "\"%s\" path"), service_name (self), GET_OPERATION);
      return FALSE;
    }

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  fresh = g_ptr_array_new_with_free_func (g_object_unref);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *member = json_object_get_member (object, key);
      TwRiskParameter *existing;
      GType type;
      double value;
      gboolean is_integer;

      if (!JSON_NODE_HOLDS_VALUE (member))
        continue;
      type = json_node_get_value_type (member);
      if (type == G_TYPE_INT64)
        {
          value = (double) json_node_get_int (member);
          is_integer = TRUE;
        }
      else if (type == G_TYPE_DOUBLE)
        {
          value = json_node_get_double (member);
          is_integer = FALSE;
        }
      else
        continue;

      existing = tw_risk_parameters_lookup (self, key);
      if (existing != NULL)
        {
          _tw_risk_parameter_update (existing, value, is_integer);
          g_ptr_array_add (fresh, g_object_ref (existing));
        }
      else
        g_ptr_array_add (fresh, tw_risk_parameter_new (key, value, is_integer));
    }

  if (fresh->len == 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("%s answered its risk parameters without any number: check the connector's "
                     "\"%s\" path"), service_name (self), GET_OPERATION);
      return FALSE;
    }

  /* The same keys in the same order: values were updated in place, no splice. */
  same_keys = fresh->len == self->items->len;
  for (guint i = 0; same_keys && i < fresh->len; i++)
    same_keys = g_ptr_array_index (fresh, i) == g_ptr_array_index (self->items, i);
  if (!same_keys)
    {
      guint removed = self->items->len;

      g_ptr_array_unref (self->items);
      self->items = g_steal_pointer (&fresh);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
    }

  set_last_error (self, NULL);
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  return TRUE;
}

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwRiskParameters *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = tw_client_call_finish (TW_CLIENT (source), result, NULL, &error);
  if (node == NULL || !tw_risk_parameters_apply_json (self, node, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_last_error (self, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
tw_risk_parameters_refresh_async (TwRiskParameters    *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TW_IS_RISK_PARAMETERS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_risk_parameters_refresh_async);
  tw_client_call_async (self->client, GET_OPERATION, NULL, cancellable, refresh_cb,
                        g_steal_pointer (&task));
}

gboolean
tw_risk_parameters_refresh_finish (TwRiskParameters  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETERS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tw_risk_parameters_refresh_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

GHashTable *
tw_risk_parameters_build_vars (TwRiskParameters *self,
                               GHashTable       *changes)
{
  GHashTable *vars;

  g_return_val_if_fail (TW_IS_RISK_PARAMETERS (self), NULL);

  vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < self->items->len; i++)
    {
      TwRiskParameter *param = g_ptr_array_index (self->items, i);

      g_hash_table_insert (vars, g_strdup (tw_risk_parameter_get_key (param)),
                           tw_risk_parameter_format_value (param, tw_risk_parameter_get_value (param)));
    }
  if (changes != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, changes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (vars, g_strdup (key), g_strdup (value));
    }
  return vars;
}
