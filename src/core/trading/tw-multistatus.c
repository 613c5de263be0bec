/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-multistatus.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"

struct _TwMultiStatusItem
{
  GObject  parent_instance;

  char    *id;
  guint    status;
  char    *message;
  char    *order_id;
  char    *label;
  char    *state;
  TwConnector *connector;  /* whose "refusals" explain it; nullable */
};

G_DEFINE_FINAL_TYPE (TwMultiStatusItem, tw_multi_status_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_ID,
  ITEM_PROP_STATUS,
  ITEM_PROP_OK,
  ITEM_PROP_MESSAGE,
  ITEM_PROP_ORDER_ID,
  ITEM_PROP_LABEL,
  ITEM_PROP_STATE,
  N_ITEM_PROPS
};

static GParamSpec *item_properties[N_ITEM_PROPS];

static void
tw_multi_status_item_finalize (GObject *object)
{
  TwMultiStatusItem *self = (TwMultiStatusItem *) object;

  g_free (self->id);
  g_free (self->message);
  g_free (self->order_id);
  g_free (self->label);
  g_free (self->state);
  g_clear_object (&self->connector);

  G_OBJECT_CLASS (tw_multi_status_item_parent_class)->finalize (object);
}

static void
tw_multi_status_item_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TwMultiStatusItem *self = TW_MULTI_STATUS_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_ID:       g_value_set_string (value, self->id); break;
    case ITEM_PROP_STATUS:   g_value_set_uint (value, self->status); break;
    case ITEM_PROP_OK:       g_value_set_boolean (value, tw_multi_status_item_get_ok (self)); break;
    case ITEM_PROP_MESSAGE:  g_value_set_string (value, self->message); break;
    case ITEM_PROP_ORDER_ID: g_value_set_string (value, self->order_id); break;
    case ITEM_PROP_LABEL:    g_value_set_string (value, tw_multi_status_item_get_label (self)); break;
    case ITEM_PROP_STATE:    g_value_set_string (value, self->state); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_multi_status_item_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TwMultiStatusItem *self = TW_MULTI_STATUS_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_ID:       self->id = g_value_dup_string (value); break;
    case ITEM_PROP_STATUS:   self->status = g_value_get_uint (value); break;
    case ITEM_PROP_MESSAGE:  self->message = g_value_dup_string (value); break;
    case ITEM_PROP_ORDER_ID: self->order_id = g_value_dup_string (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_multi_status_item_class_init (TwMultiStatusItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tw_multi_status_item_finalize;
  object_class->get_property = tw_multi_status_item_get_property;
  object_class->set_property = tw_multi_status_item_set_property;

  item_properties[ITEM_PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, construct);
  item_properties[ITEM_PROP_STATUS] = g_param_spec_uint ("status", NULL, NULL, 0, 999, 0, construct);
  item_properties[ITEM_PROP_OK] =
    g_param_spec_boolean ("ok", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, construct);
  item_properties[ITEM_PROP_ORDER_ID] = g_param_spec_string ("order-id", NULL, NULL, NULL, construct);
  item_properties[ITEM_PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  item_properties[ITEM_PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
tw_multi_status_item_init (TwMultiStatusItem *self)
{
}

TwMultiStatusItem *
tw_multi_status_item_new (const char *id,
                          guint       status,
                          const char *message,
                          const char *order_id)
{
  return g_object_new (TW_TYPE_MULTI_STATUS_ITEM,
                       "id", id,
                       "status", status,
                       "message", message,
                       "order-id", order_id,
                       NULL);
}

const char *
tw_multi_status_item_get_id (TwMultiStatusItem *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS_ITEM (self), NULL);
  return self->id;
}

guint
tw_multi_status_item_get_status (TwMultiStatusItem *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS_ITEM (self), 0);
  return self->status;
}

gboolean
tw_multi_status_item_get_ok (TwMultiStatusItem *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS_ITEM (self), FALSE);
  return self->status >= 200 && self->status < 300;
}

const char *
tw_multi_status_item_get_message (TwMultiStatusItem *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS_ITEM (self), NULL);
  return self->message;
}

const char *
tw_multi_status_item_get_order_id (TwMultiStatusItem *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS_ITEM (self), NULL);
  return self->order_id;
}

const char *
tw_multi_status_item_get_label (TwMultiStatusItem *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS_ITEM (self), NULL);
  return self->label != NULL ? self->label : self->id;
}

const char *
tw_multi_status_item_get_state (TwMultiStatusItem *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS_ITEM (self), NULL);
  return self->state;
}

static void
item_set_known (TwMultiStatusItem *self,
                const char        *label,
                const char        *state)
{
  if (g_strcmp0 (self->label, label) != 0)
    {
      g_free (self->label);
      self->label = g_strdup (label);
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_LABEL]);
    }
  if (g_strcmp0 (self->state, state) != 0)
    {
      g_free (self->state);
      self->state = g_strdup (state);
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_STATE]);
    }
}

/* Why a broker will not cancel an order, from the status it had when last seen. */
static char *
explain_not_cancelable (const char *state)
{
  static const char * const done[] = { "filled", "canceled", "expired", NULL };

  if (state == NULL)
    return g_strdup (_("the broker will not cancel it in its current state — it may have been "
                        "filled or canceled, or have a cancel pending already"));
  if (g_strv_contains (done, state))
    return g_strdup_printf (_("already %s"), state);
  if (g_str_equal (state, "done_for_day"))
    return g_strdup (_("done for the day"));
  if (g_str_equal (state, "rejected"))
    return g_strdup (_("rejected by the broker already"));
  if (g_str_equal (state, "replaced"))
    return g_strdup (_("replaced by another order — cancel that one"));
  if (g_str_equal (state, "pending_cancel"))
    return g_strdup (_("a cancel is already pending at the broker — wait for it"));
  if (g_str_equal (state, "pending_replace"))
    return g_strdup (_("the order is being replaced and the broker refuses cancels until the "
                        "replacement is done — try again in a moment"));
  if (g_str_equal (state, "held"))
    return g_strdup (_("the broker is holding this order (status “held”) and will not cancel it "
                        "now — check it in the broker's own dashboard"));
  return g_strdup_printf (_("the broker will not cancel it in its current state (it was “%s” at "
                             "the last refresh: it may have been filled or canceled since)"), state);
}

/**
 * tw_multi_status_explain:
 * @connector: (nullable): the broker's connector, whose "refusals" say what its
 *   messages mean
 */
char *
tw_multi_status_explain (TwConnector *connector,
                         guint        http_status,
                         const char  *message,
                         const char  *state)
{
  g_autofree char *meaning = NULL;
  const char *text = NULL;

  g_return_val_if_fail (connector == NULL || TW_IS_CONNECTOR (connector), NULL);

  if (message != NULL && *message == '\0')
    message = NULL;

  switch (connector != NULL ? tw_connector_match_refusal (connector, http_status, message, &text)
                            : TW_REFUSAL_UNKNOWN)
    {
    case TW_REFUSAL_HELD_FOR_ORDERS:
      meaning = g_strdup (_("held for orders — open orders hold its quantity; cancel them first"));
      break;
    case TW_REFUSAL_NOT_CANCELABLE:
      meaning = explain_not_cancelable (state);
      break;
    case TW_REFUSAL_OTHER:
      meaning = g_strdup (text);
      break;
    case TW_REFUSAL_UNKNOWN:
    default:
      break;
    }

  if (meaning != NULL)
    return g_strdup_printf ("%s (%s)", meaning, message);
  if (message != NULL)
    return g_strdup (message);
  return g_strdup_printf ("HTTP %u", http_status);
}

char *
tw_multi_status_item_dup_reason (TwMultiStatusItem *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS_ITEM (self), NULL);

  if (tw_multi_status_item_get_ok (self))
    return NULL;
  return tw_multi_status_explain (self->connector, self->status, self->message, self->state);
}

char *
tw_multi_status_item_dup_result (TwMultiStatusItem *self)
{
  g_autofree char *reason = NULL;

  g_return_val_if_fail (TW_IS_MULTI_STATUS_ITEM (self), NULL);

  reason = tw_multi_status_item_dup_reason (self);
  if (reason == NULL)
    return NULL;
  /* Translators: "sell 5 TSLA stop (order b83a1f2c) refused: insufficient qty available" */
  return g_strdup_printf (_("%s refused: %s"), tw_multi_status_item_get_label (self), reason);
}

struct _TwMultiStatus
{
  GObject     parent_instance;

  GListStore *items;
  char       *verb;
  guint       n_ok;
  guint       n_failed;
  GHashTable *known;    /* id → (char *[2]) { label, state } */
  char       *noun;     /* for the entries not known */
  TwConnector *connector;  /* nullable: explains the refusals */
};

G_DEFINE_FINAL_TYPE (TwMultiStatus, tw_multi_status, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEMS,
  PROP_VERB,
  PROP_N_OK,
  PROP_N_FAILED,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tw_multi_status_finalize (GObject *object)
{
  TwMultiStatus *self = (TwMultiStatus *) object;

  g_clear_object (&self->items);
  g_free (self->verb);
  g_clear_pointer (&self->known, g_hash_table_unref);
  g_free (self->noun);
  g_clear_object (&self->connector);

  G_OBJECT_CLASS (tw_multi_status_parent_class)->finalize (object);
}

static void
tw_multi_status_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TwMultiStatus *self = TW_MULTI_STATUS (object);

  switch (prop_id)
    {
    case PROP_ITEMS:    g_value_set_object (value, self->items); break;
    case PROP_VERB:     g_value_set_string (value, self->verb); break;
    case PROP_N_OK:     g_value_set_uint (value, self->n_ok); break;
    case PROP_N_FAILED: g_value_set_uint (value, self->n_failed); break;
    case PROP_SUMMARY:  g_value_take_string (value, tw_multi_status_dup_summary (self)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_multi_status_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TwMultiStatus *self = TW_MULTI_STATUS (object);

  switch (prop_id)
    {
    case PROP_VERB:
      g_free (self->verb);
      self->verb = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_multi_status_class_init (TwMultiStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tw_multi_status_finalize;
  object_class->get_property = tw_multi_status_get_property;
  object_class->set_property = tw_multi_status_set_property;

  properties[PROP_ITEMS] =
    g_param_spec_object ("items", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_VERB] =
    g_param_spec_string ("verb", NULL, NULL, "done",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_OK] = g_param_spec_uint ("n-ok", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_multi_status_init (TwMultiStatus *self)
{
  self->items = g_list_store_new (TW_TYPE_MULTI_STATUS_ITEM);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
}

void
tw_multi_status_set_entry_noun (TwMultiStatus *self,
                                const char    *noun)
{
  g_return_if_fail (TW_IS_MULTI_STATUS (self));

  g_free (self->noun);
  self->noun = g_strdup (noun);
}

/**
 * tw_multi_status_set_connector:
 * @connector: (nullable): the connector of the service that answered
 *
 * Entries added from now on explain their refusals by @connector's "refusals".
 */
void
tw_multi_status_set_connector (TwMultiStatus *self,
                               TwConnector   *connector)
{
  g_return_if_fail (TW_IS_MULTI_STATUS (self));
  g_return_if_fail (connector == NULL || TW_IS_CONNECTOR (connector));

  g_set_object (&self->connector, connector);
}

char *
tw_multi_status_dup_short_id (const char *id)
{
  const char *end;

  if (id == NULL)
    return g_strdup ("?");
  if (strlen (id) < 32)
    return g_strdup (id);

  /* The first 8 bytes, less any character they would cut in two. */
  end = id + 8;
  while (end > id && ((guchar) *end & 0xC0) == 0x80)
    end--;
  return g_strndup (id, end - id);
}

void
tw_multi_status_know (TwMultiStatus *self,
                      const char    *id,
                      const char    *label,
                      const char    *state)
{
  char **known;

  g_return_if_fail (TW_IS_MULTI_STATUS (self));
  g_return_if_fail (id != NULL);

  known = g_new0 (char *, 3);
  known[0] = g_strdup (label != NULL ? label : id);
  known[1] = g_strdup (state);
  g_hash_table_replace (self->known, g_strdup (id), known);
}

TwMultiStatus *
tw_multi_status_new (const char *verb)
{
  return g_object_new (TW_TYPE_MULTI_STATUS, "verb", verb, NULL);
}

void
tw_multi_status_add (TwMultiStatus     *self,
                     TwMultiStatusItem *item)
{
  g_return_if_fail (TW_IS_MULTI_STATUS (self));
  g_return_if_fail (TW_IS_MULTI_STATUS_ITEM (item));

  if (item->label == NULL && item->id != NULL)
    {
      char **known = g_hash_table_lookup (self->known, item->id);

      if (known != NULL)
        item_set_known (item, known[0], known[1]);
      else if (self->noun != NULL)
        {
          g_autofree char *id = tw_multi_status_dup_short_id (item->id);
          g_autofree char *label = g_strdup_printf ("%s %s", self->noun, id);

          item_set_known (item, label, NULL);
        }
    }
  if (item->connector == NULL && self->connector != NULL)
    item->connector = g_object_ref (self->connector);
  g_list_store_append (self->items, item);
  if (tw_multi_status_item_get_ok (item))
    {
      self->n_ok++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_OK]);
    }
  else
    {
      self->n_failed++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
tw_multi_status_parse (TwMultiStatus  *self,
                       JsonNode       *body,
                       GError        **error)
{
  g_autoptr(GPtrArray) parsed = NULL;
  JsonArray *array;

  g_return_val_if_fail (TW_IS_MULTI_STATUS (self), FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (JSON_NODE_HOLDS_NULL (body))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (body))
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                           _("The multi-status answer is not a list of results: the broker may "
                             "not speak the API version its connector describes"));
      return FALSE;
    }

  /* Every entry read before any is added: a bad one adds none. */
  parsed = g_ptr_array_new_with_free_func (g_object_unref);
  array = json_node_get_array (body);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object, *inner = NULL;
      JsonNode *status_node, *inner_node;
      const char *id;
      gint64 status;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto bad;
      object = json_node_get_object (element);
      id = member_string (object, "symbol");
      if (id == NULL)
        id = member_string (object, "id");
      status_node = json_object_get_member (object, "status");
      if (id == NULL || status_node == NULL || !JSON_NODE_HOLDS_VALUE (status_node))
        goto bad;
      status = json_node_get_int (status_node);
      if (status < 100 || status > 999)
        goto bad;

      inner_node = json_object_get_member (object, "body");
      if (inner_node != NULL && JSON_NODE_HOLDS_OBJECT (inner_node))
        inner = json_node_get_object (inner_node);

      if (status >= 200 && status < 300)
        g_ptr_array_add (parsed, tw_multi_status_item_new (id, status, NULL,
                                                           member_string (inner, "id")));
      else
        g_ptr_array_add (parsed, tw_multi_status_item_new (id, status,
                                                           member_string (inner, "message"), NULL));
      continue;

    bad:
      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("Entry %u of the multi-status answer has no symbol or id and status: "
                     "the broker may not speak the API version its connector describes"), i + 1);
      return FALSE;
    }

  for (guint i = 0; i < parsed->len; i++)
    tw_multi_status_add (self, g_ptr_array_index (parsed, i));
  return TRUE;
}

TwMultiStatus *
tw_multi_status_new_from_json (JsonNode    *body,
                               const char  *verb,
                               GError     **error)
{
  g_autoptr(TwMultiStatus) self = NULL;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = tw_multi_status_new (verb);
  if (!tw_multi_status_parse (self, body, error))
    return NULL;
  return g_steal_pointer (&self);
}

/** tw_multi_status_get_items: Returns: (transfer none) */
GListModel *
tw_multi_status_get_items (TwMultiStatus *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS (self), NULL);
  return G_LIST_MODEL (self->items);
}

const char *
tw_multi_status_get_verb (TwMultiStatus *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS (self), NULL);
  return self->verb;
}

guint
tw_multi_status_get_n_ok (TwMultiStatus *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS (self), 0);
  return self->n_ok;
}

guint
tw_multi_status_get_n_failed (TwMultiStatus *self)
{
  g_return_val_if_fail (TW_IS_MULTI_STATUS (self), 0);
  return self->n_failed;
}

GPtrArray *
tw_multi_status_dup_failed_ids (TwMultiStatus *self)
{
  GPtrArray *ids;
  guint n;

  g_return_val_if_fail (TW_IS_MULTI_STATUS (self), NULL);

  ids = g_ptr_array_new_with_free_func (g_free);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwMultiStatusItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (!tw_multi_status_item_get_ok (item))
        g_ptr_array_add (ids, g_strdup (item->id));
    }
  return ids;
}

char *
tw_multi_status_dup_summary (TwMultiStatus *self)
{
  GString *summary;
  guint n;

  g_return_val_if_fail (TW_IS_MULTI_STATUS (self), NULL);

  n = self->n_ok + self->n_failed;
  /* The verbs callers pass have their own sentences, so that a translation can
   * agree them; any other verb is put in as given. */
  if (n == 0)
    {
      if (g_strcmp0 (self->verb, "closed") == 0)
        return g_strdup (_("Nothing to do: none to be closed"));
      if (g_strcmp0 (self->verb, "canceled") == 0)
        return g_strdup (_("Nothing to do: none to be canceled"));
      /* Translators: %s is a past participle such as "closed" */
      return g_strdup_printf (_("Nothing to do: none to be %s"), self->verb);
    }

  summary = g_string_new (NULL);
  if (g_strcmp0 (self->verb, "closed") == 0)
    /* Translators: "2 of 3 closed" (positions) */
    g_string_append_printf (summary, _("%u of %u closed"), self->n_ok, n);
  else if (g_strcmp0 (self->verb, "canceled") == 0)
    /* Translators: "2 of 3 canceled" (orders) */
    g_string_append_printf (summary, _("%u of %u canceled"), self->n_ok, n);
  else
    /* Translators: "2 of 3 closed"; the last %s is a past participle */
    g_string_append_printf (summary, _("%u of %u %s"), self->n_ok, n, self->verb);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwMultiStatusItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      g_autofree char *result = tw_multi_status_item_dup_result (item);

      if (result != NULL)
        g_string_append_printf (summary, "; %s", result);
    }
  return g_string_free (summary, FALSE);
}

GStrv
tw_multi_status_dup_lines (TwMultiStatus *self)
{
  GPtrArray *lines;
  guint n;

  g_return_val_if_fail (TW_IS_MULTI_STATUS (self), NULL);

  lines = g_ptr_array_new ();
  n = self->n_ok + self->n_failed;
  if (self->n_failed == 0)
    g_ptr_array_add (lines, tw_multi_status_dup_summary (self));
  else
    {
      /* Not a success: said first. */
      g_ptr_array_add (lines, g_strdup_printf ("Not all %s: %u of %u %s", self->verb,
                                               self->n_ok, n, self->verb));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TwMultiStatusItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
          char *result = tw_multi_status_item_dup_result (item);

          if (result != NULL)
            g_ptr_array_add (lines, result);
        }
    }
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (lines, FALSE);
}

char *
tw_multi_status_dup_outcome (TwMultiStatus *self)
{
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (TW_IS_MULTI_STATUS (self), NULL);

  lines = tw_multi_status_dup_lines (self);
  return g_strjoinv ("; ", lines);
}
