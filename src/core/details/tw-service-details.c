/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tw-clock.h"
#include "tw-error.h"
#include "tw-prometheus.h"
#include "tw-service-details.h"
#include "tw-service-details-private.h"

/* Reads a service's sections through its TwClient, each the connector's operation:
 * the selected part of the answer is an array (one row per element) or an object (one
 * row per member, named by its key); each row is mapped by the operation's "map" and
 * classified by its "health" rule. A Prometheus answer ("format": "prometheus") is
 * parsed here, and its families summed up as a JSON object
 * { family: { value, sum, count, p50, p90, p95, p99 } } for the "map" to take the key
 * figures from, so a connector names its figures with plain JSON Pointers. */

static const char * const operations[TW_DETAIL_N_SECTIONS] = {
  "metrics", "rate_limits.list", "security.checks", "trades.list", "models.list", "clock.get",
  "orders.list", "rate_limits.metrics",
};

struct _TwServiceDetails
{
  GObject           parent_instance;

  TwClient         *client;
  TwAlertEngine    *alerts;      /* nullable */
  TwServiceHistory *history;
  GListStore       *items[TW_DETAIL_N_SECTIONS];
  char             *errors[TW_DETAIL_N_SECTIONS];
  gboolean          loaded[TW_DETAIL_N_SECTIONS];
  GCancellable     *in_flight[TW_DETAIL_N_SECTIONS];
  TwDetailItem     *figures;
  TwDetailItem     *clock;
  TwDetailItem     *order;       /* nullable: the order last read */
  char             *order_error;
  GCancellable     *order_cancellable;
  GHashTable       *raised;      /* alert keys this object raised and not cleared */
  GHashTable       *figure_history; /* key figure → GArray of TwFigureSample */
  guint             days;
  guint             limit;
  guint             timer_id;
  guint             interval_s;
};

G_DEFINE_FINAL_TYPE (TwServiceDetails, tw_service_details, G_TYPE_OBJECT)

enum { UPDATED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  TwServiceDetails *self;     /* weak: cleared in dispose via the cancellable */
  TwDetailSection   section;
} CallData;

const char *
tw_detail_section_get_operation (TwDetailSection section)
{
  g_return_val_if_fail (section < TW_DETAIL_N_SECTIONS, NULL);
  return operations[section];
}

void
tw_service_details_stop (TwServiceDetails *self)
{
  g_return_if_fail (TW_IS_SERVICE_DETAILS (self));

  g_clear_handle_id (&self->timer_id, tw_timer_remove);
  for (guint i = 0; i < TW_DETAIL_N_SECTIONS; i++)
    if (self->in_flight[i] != NULL)
      {
        g_cancellable_cancel (self->in_flight[i]);
        g_clear_object (&self->in_flight[i]);
      }
}

static void
tw_service_details_dispose (GObject *object)
{
  TwServiceDetails *self = TW_SERVICE_DETAILS (object);

  tw_service_details_stop (self);
  if (self->history != NULL)
    tw_service_history_detach (self->history);
  g_clear_object (&self->history);
  g_clear_object (&self->client);
  g_clear_object (&self->alerts);
  g_clear_object (&self->figures);
  g_clear_object (&self->clock);
  g_clear_object (&self->order);
  if (self->order_cancellable != NULL)
    g_cancellable_cancel (self->order_cancellable);
  g_clear_object (&self->order_cancellable);
  for (guint i = 0; i < TW_DETAIL_N_SECTIONS; i++)
    g_clear_object (&self->items[i]);

  G_OBJECT_CLASS (tw_service_details_parent_class)->dispose (object);
}

static void
tw_service_details_finalize (GObject *object)
{
  TwServiceDetails *self = TW_SERVICE_DETAILS (object);

  for (guint i = 0; i < TW_DETAIL_N_SECTIONS; i++)
    g_free (self->errors[i]);
  g_free (self->order_error);
  g_hash_table_unref (self->raised);
  g_hash_table_unref (self->figure_history);

  G_OBJECT_CLASS (tw_service_details_parent_class)->finalize (object);
}

static void
tw_service_details_class_init (TwServiceDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_service_details_dispose;
  object_class->finalize = tw_service_details_finalize;

  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
tw_service_details_init (TwServiceDetails *self)
{
  for (guint i = 0; i < TW_DETAIL_N_SECTIONS; i++)
    self->items[i] = g_list_store_new (TW_TYPE_DETAIL_ITEM);
  self->figures = tw_detail_item_new ("figures");
  self->clock = tw_detail_item_new ("clock");
  self->raised = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->figure_history = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) g_array_unref);
  self->days = 7;
  self->limit = 50;
}

TwServiceDetails *
tw_service_details_new (TwClient      *client,
                        TwAlertEngine *alerts)
{
  TwServiceDetails *self;

  g_return_val_if_fail (TW_IS_CLIENT (client), NULL);
  g_return_val_if_fail (alerts == NULL || TW_IS_ALERT_ENGINE (alerts), NULL);

  self = g_object_new (TW_TYPE_SERVICE_DETAILS, NULL);
  self->client = g_object_ref (client);
  self->alerts = alerts != NULL ? g_object_ref (alerts) : NULL;
  self->history = tw_service_history_new (tw_client_get_service (client));
  return self;
}

TwService *
tw_service_details_get_service (TwServiceDetails *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  return self->client != NULL ? tw_client_get_service (self->client) : NULL;
}

TwConnector *
tw_service_details_get_connector (TwServiceDetails *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  return self->client != NULL ? tw_client_get_connector (self->client) : NULL;
}

TwServiceHistory *
tw_service_details_get_history (TwServiceDetails *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  return self->history;
}

gboolean
tw_service_details_has_section (TwServiceDetails *self,
                                TwDetailSection   section)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), FALSE);
  g_return_val_if_fail (section < TW_DETAIL_N_SECTIONS, FALSE);
  if (self->client == NULL || !tw_client_has_operation (self->client, operations[section]))
    return FALSE;
  /* Orders here are the approvals' side of them (003); the Orders page has the rest. */
  return section != TW_DETAIL_ORDERS || tw_client_has_operation (self->client, "approvals.status");
}

GListModel *
tw_service_details_get_items (TwServiceDetails *self,
                              TwDetailSection   section)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  g_return_val_if_fail (section < TW_DETAIL_N_SECTIONS, NULL);
  return G_LIST_MODEL (self->items[section]);
}

TwDetailItem *
tw_service_details_get_figures (TwServiceDetails *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  return self->figures;
}

TwDetailItem *
tw_service_details_get_clock (TwServiceDetails *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  return self->clock;
}

const char *
tw_service_details_get_error (TwServiceDetails *self,
                              TwDetailSection   section)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  g_return_val_if_fail (section < TW_DETAIL_N_SECTIONS, NULL);
  return self->errors[section];
}

gboolean
tw_service_details_is_loaded (TwServiceDetails *self,
                              TwDetailSection   section)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), FALSE);
  g_return_val_if_fail (section < TW_DETAIL_N_SECTIONS, FALSE);
  return self->loaded[section];
}

void
tw_service_details_set_trades_range (TwServiceDetails *self,
                                     guint             days,
                                     guint             limit)
{
  g_return_if_fail (TW_IS_SERVICE_DETAILS (self));
  self->days = MAX (days, 1);
  self->limit = MAX (limit, 1);
}

/* ---- answers ---- */

static char *
scalar_text (JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return g_strdup_printf ("%g", json_node_get_double (node));
}

/* Replaces @store's rows with @rows, keeping a row object whose name is unchanged at the
 * same place would need a diff; the sections are short, so they are replaced whole. */
static void
store_replace (GListStore *store,
               GPtrArray  *rows)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       rows->pdata, rows->len);
}

static gboolean
map_rows (TwServiceDetails   *self,
          const TwOperation  *op,
          JsonNode           *root,
          GPtrArray          *rows,
          GError            **error)
{
  JsonNode *selected;

  /* The whole answer's row first (000's ML service: are its models loaded at all). */
  if (tw_operation_has_summary (op))
    {
      g_autoptr(TwDetailItem) item = NULL;
      TwHealth health;
      const char *name = NULL;

      item = tw_detail_item_new (NULL);
      if (!tw_operation_map_summary (op, root, G_OBJECT (item), &health, &name, error))
        return FALSE;
      if (tw_detail_item_get_name (item) == NULL)
        tw_detail_item_set_string (item, "name", name);
      tw_detail_item_set_health (item, health);
      g_ptr_array_add (rows, g_steal_pointer (&item));
    }

  selected = tw_operation_select (op, root, error);
  if (selected == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_ARRAY (selected))
    {
      JsonArray *array = json_node_get_array (selected);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *name = g_strdup_printf ("%u", i + 1);
          g_autoptr(TwDetailItem) item = tw_detail_item_new (name);

          if (!tw_operation_map_object (op, element, G_OBJECT (item), error))
            return FALSE;
          tw_detail_item_set_health (item, tw_operation_eval_item_health (op, element, NULL));
          g_ptr_array_add (rows, g_steal_pointer (&item));
        }
      return TRUE;
    }

  if (JSON_NODE_HOLDS_OBJECT (selected))
    {
      JsonObject *object = json_node_get_object (selected);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (object, l->data);
          g_autoptr(TwDetailItem) item = tw_detail_item_new (l->data);

          if (JSON_NODE_HOLDS_VALUE (member))
            {
              /* "check": "passing": the value is the status itself. */
              g_autofree char *text = scalar_text (member);

              tw_detail_item_set_string (item, "status", text);
            }
          else if (!tw_operation_map_object (op, member, G_OBJECT (item), error))
            return FALSE;
          tw_detail_item_set_health (item, tw_operation_eval_item_health (op, member, NULL));
          g_ptr_array_add (rows, g_steal_pointer (&item));
        }
      return TRUE;
    }

  g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
               _("%s answered “%s” with a single value where a list was expected"),
               tw_service_get_name (tw_client_get_service (self->client)), tw_operation_get_name (op));
  return FALSE;
}

/* A JSON answer's numbers and words, flattened ("a/b": 1) into the metrics table. */
static void
flatten (JsonNode   *node,
         const char *prefix,
         GPtrArray  *rows)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *name = prefix != NULL ? g_strdup_printf ("%s.%s", prefix, (char *) l->data)
                                                 : g_strdup (l->data);

          flatten (json_object_get_member (object, l->data), name, rows);
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && prefix != NULL)
    {
      g_autoptr(TwDetailItem) item = tw_detail_item_new (prefix);
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
        tw_detail_item_set_number (item, "value", json_node_get_double (node));
      else
        {
          g_autofree char *text = scalar_text (node);

          tw_detail_item_set_string (item, "status", text);
        }
      g_ptr_array_add (rows, g_steal_pointer (&item));
    }
}

static void
add_number (JsonObject *object,
            const char *name,
            double      value)
{
  json_object_set_double_member (object, name, value);
}

/* A node holding a new empty object, its only owner. (json_node_init_object() takes a
 * reference of its own: given json_object_new()'s, the object and every member added
 * to it were never freed — a metrics read every minute per service.) */
static JsonNode *
new_object_node (void)
{
  g_autoptr(JsonObject) object = json_object_new ();

  return json_node_init_object (json_node_alloc (), object);
}

/* One row per sample, and for histograms and summaries their p50/p95/p99 first. */
static void
prometheus_rows (GPtrArray *families,
                 GPtrArray *rows,
                 JsonNode  *summary)
{
  static const struct { double q; const char *key; } quantiles[] = {
    { 0.5, "p50" }, { 0.9, "p90" }, { 0.95, "p95" }, { 0.99, "p99" },
  };
  JsonObject *object = json_node_get_object (summary);

  for (guint i = 0; i < families->len; i++)
    {
      TwMetricFamily *family = g_ptr_array_index (families, i);
      g_autoptr(JsonObject) entry = json_object_new ();
      const char *type = tw_metric_type_to_string (family->type);
      double value;

      if (tw_metric_family_sum (family, NULL, &value))
        add_number (entry, "value", value);
      if (tw_metric_family_sum (family, "_sum", &value))
        add_number (entry, "sum", value);
      if (tw_metric_family_sum (family, "_count", &value))
        add_number (entry, "count", value);
      for (guint q = 0; q < G_N_ELEMENTS (quantiles); q++)
        if (tw_metric_family_quantile (family, quantiles[q].q, &value))
          {
            g_autofree char *name = g_strdup_printf ("%s (%s)", family->name, quantiles[q].key);
            g_autoptr(TwDetailItem) item = tw_detail_item_new (name);

            add_number (entry, quantiles[q].key, value);
            tw_detail_item_set_string (item, "kind", type);
            tw_detail_item_set_string (item, "message", family->type == TW_METRIC_HISTOGRAM
                                                          ? _("estimated from the buckets") : family->help);
            tw_detail_item_set_number (item, "value", value);
            g_ptr_array_add (rows, g_steal_pointer (&item));
          }
      json_object_set_object_member (object, family->name, g_steal_pointer (&entry));

      for (guint s = 0; s < family->samples->len; s++)
        {
          TwMetricSample *sample = g_ptr_array_index (family->samples, s);
          g_autoptr(TwDetailItem) item = tw_detail_item_new (sample->name);
          g_autofree char *labels = tw_metric_sample_format_labels (sample, NULL);

          tw_detail_item_set_string (item, "kind", type);
          tw_detail_item_set_string (item, "labels", labels);
          tw_detail_item_set_string (item, "message", family->help);
          tw_detail_item_set_number (item, "value", sample->value);
          if (sample->has_timestamp)
            {
              g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (sample->timestamp_ms / 1000);
              g_autofree char *text = when != NULL ? g_date_time_format_iso8601 (when) : NULL;

              tw_detail_item_set_string (item, "time", text);
            }
          g_ptr_array_add (rows, g_steal_pointer (&item));
        }
    }
}

/* The last hour of each key figure the service reports, for the page's sparklines. */
static void
record_figures (TwServiceDetails *self,
                gint64            now)
{
  const char * const *names = tw_detail_item_key_figures ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      double value = tw_detail_item_get_number (self->figures, names[i]);
      GArray *history = g_hash_table_lookup (self->figure_history, names[i]);
      TwFigureSample sample = { now, value };
      guint drop = 0;

      if (isnan (value))
        continue;
      if (history == NULL)
        {
          history = g_array_new (FALSE, FALSE, sizeof (TwFigureSample));
          g_hash_table_insert (self->figure_history, (gpointer) names[i], history);
        }
      while (drop < history->len &&
             g_array_index (history, TwFigureSample, drop).time_us < now - TW_HISTORY_SPAN_US)
        drop++;
      if (drop > 0)
        g_array_remove_range (history, 0, drop);
      g_array_append_val (history, sample);
    }
}

const TwFigureSample *
tw_service_details_get_figure_history (TwServiceDetails *self,
                                       const char       *name,
                                       guint            *n_samples)
{
  GArray *history;

  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  g_return_val_if_fail (n_samples != NULL, NULL);

  history = g_hash_table_lookup (self->figure_history, name);
  *n_samples = history != NULL ? history->len : 0;
  return history != NULL && history->len > 0 ? (const TwFigureSample *) history->data : NULL;
}

static gboolean
apply_metrics (TwServiceDetails   *self,
               const TwOperation  *op,
               JsonNode           *root,
               GPtrArray          *rows,
               GError            **error)
{
  g_autoptr(TwDetailItem) figures = tw_detail_item_new ("figures");
  const char * const *names = tw_detail_item_key_figures ();

  if (tw_operation_is_text (op))
    {
      g_autoptr(GPtrArray) families = NULL;
      g_autoptr(JsonNode) summary = new_object_node ();

      families = tw_prometheus_parse (json_node_get_string (root), -1, error);
      if (families == NULL)
        return FALSE;
      prometheus_rows (families, rows, summary);
      if (!tw_operation_map_object (op, summary, G_OBJECT (figures), error))
        return FALSE;
    }
  else
    {
      JsonNode *selected = tw_operation_select (op, root, error);

      if (selected == NULL || !tw_operation_map_object (op, selected, G_OBJECT (figures), error))
        return FALSE;
      flatten (selected, NULL, rows);
    }

  for (guint i = 0; names[i] != NULL; i++)
    tw_detail_item_set_number (self->figures, names[i], tw_detail_item_get_number (figures, names[i]));
  record_figures (self, g_get_real_time ());
  return TRUE;
}

static gboolean
apply_clock (TwServiceDetails   *self,
             const TwOperation  *op,
             JsonNode           *root,
             GError            **error)
{
  JsonNode *selected = tw_operation_select (op, root, error);

  if (selected == NULL || !tw_operation_map_object (op, selected, G_OBJECT (self->clock), error))
    return FALSE;
  tw_detail_item_set_health (self->clock, tw_operation_eval_item_health (op, selected, NULL));
  return TRUE;
}

/* A security check that fails, a model that is not loaded: one alert each while it
 * lasts, cleared when it passes again or is no longer listed. */
static void
raise_alerts (TwServiceDetails *self,
              TwDetailSection   section)
{
  TwService *service = tw_client_get_service (self->client);
  const char *service_id = tw_service_get_id (service);
  const char *kind = section == TW_DETAIL_SECURITY ? "security" : "model";
  g_autofree char *prefix = g_strdup_printf ("%s:%s:", kind, service_id);
  g_autoptr(GHashTable) now_down = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GListModel *items = G_LIST_MODEL (self->items[section]);
  GHashTableIter iter;
  gpointer key;

  if (self->alerts == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(TwDetailItem) item = g_list_model_get_item (items, i);
      const char *message = tw_detail_item_get_string (item, "message");
      g_autofree char *alert_key = NULL;
      g_autofree char *title = NULL;
      g_autofree char *body = NULL;

      if (tw_detail_item_get_health (item) != TW_HEALTH_DOWN)
        continue;
      alert_key = g_strconcat (prefix, tw_detail_item_get_name (item), NULL);
      g_hash_table_add (now_down, g_strdup (alert_key));
      if (g_hash_table_contains (self->raised, alert_key))
        continue;
      if (section == TW_DETAIL_SECURITY)
        {
          title = g_strdup_printf (_("%s: security check “%s” fails"), tw_service_get_name (service),
                                   tw_detail_item_get_name (item));
          body = message != NULL ? g_strdup (message)
                                 : g_strdup (_("Open the service's page for the check's details."));
        }
      else
        {
          title = g_strdup_printf (_("%s: model “%s” is not loaded"), tw_service_get_name (service),
                                   tw_detail_item_get_name (item));
          body = message != NULL ? g_strdup (message)
                                 : g_strdup (_("Its signals are missing until it is loaded again."));
        }
      tw_alert_engine_raise_condition (self->alerts, alert_key, TW_ALERT_WARNING, title, body,
                                       service_id, "overview");
      g_hash_table_add (self->raised, g_steal_pointer (&alert_key));
    }

  g_hash_table_iter_init (&iter, self->raised);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, prefix) && !g_hash_table_contains (now_down, key))
      {
        tw_alert_engine_clear_condition (self->alerts, key);
        g_hash_table_iter_remove (&iter);
      }
}

static void
set_error (TwServiceDetails *self,
           TwDetailSection   section,
           const char       *message)
{
  g_free (self->errors[section]);
  self->errors[section] = g_strdup (message);
}

/* The rate limiter's own metrics: a table, Prometheus text or JSON flattened. */
static gboolean
apply_limit_metrics (const TwOperation  *op,
                     JsonNode           *root,
                     GPtrArray          *rows,
                     GError            **error)
{
  JsonNode *selected;

  if (tw_operation_is_text (op))
    {
      g_autoptr(GPtrArray) families = tw_prometheus_parse (json_node_get_string (root), -1, error);
      g_autoptr(JsonNode) summary = NULL;

      if (families == NULL)
        return FALSE;
      summary = new_object_node ();
      prometheus_rows (families, rows, summary);
      return TRUE;
    }
  selected = tw_operation_select (op, root, error);
  if (selected == NULL)
    return FALSE;
  flatten (selected, NULL, rows);
  return TRUE;
}

void
_tw_service_details_apply (TwServiceDetails *self,
                           TwDetailSection   section,
                           JsonNode         *root,
                           const GError     *call_error)
{
  g_autoptr(GError) error = call_error != NULL ? g_error_copy (call_error) : NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  const TwOperation *op;
  gboolean ok;

  op = tw_connector_get_operation (tw_client_get_connector (self->client), operations[section]);
  if (root == NULL || op == NULL)
    ok = FALSE;
  else if (section == TW_DETAIL_METRICS)
    ok = apply_metrics (self, op, root, rows, &error);
  else if (section == TW_DETAIL_CLOCK)
    ok = apply_clock (self, op, root, &error);
  else if (section == TW_DETAIL_LIMIT_METRICS)
    ok = apply_limit_metrics (op, root, rows, &error);
  else
    ok = map_rows (self, op, root, rows, &error);

  self->loaded[section] = TRUE;
  if (!ok)
    set_error (self, section, error != NULL ? error->message : _("The connector has no such operation"));
  else
    {
      set_error (self, section, NULL);
      if (section != TW_DETAIL_CLOCK)
        store_replace (self->items[section], rows);
      if (section == TW_DETAIL_SECURITY || section == TW_DETAIL_MODELS)
        raise_alerts (self, section);
    }
  g_signal_emit (self, signals[UPDATED], 0, (guint) section);
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree CallData *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  TwServiceDetails *self;

  root = tw_client_call_finish (TW_CLIENT (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = call->self;
  g_clear_object (&self->in_flight[call->section]);
  _tw_service_details_apply (self, call->section, root, error);
}

TwClient *
_tw_service_details_get_client (TwServiceDetails *self)
{
  return self->client;
}

char *
tw_service_details_dup_section_address (TwServiceDetails *self,
                                        TwDetailSection   section)
{
  const TwOperation *op;
  const TwEndpoint *endpoint;
  g_autofree char *url = NULL;

  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  g_return_val_if_fail (section < TW_DETAIL_N_SECTIONS, NULL);

  if (self->client == NULL)
    return NULL;
  op = tw_connector_get_operation (tw_client_get_connector (self->client), operations[section]);
  if (op == NULL || tw_operation_get_endpoint (op) == NULL)
    return NULL;
  endpoint = tw_connector_get_endpoint (tw_client_get_connector (self->client),
                                        tw_operation_get_endpoint (op));
  url = tw_client_dup_base_url (self->client, endpoint->id, NULL);
  /* Translators: one of a service's other addresses: its name and URL */
  return g_strdup_printf (_("%s · %s"), endpoint->name, url != NULL ? url : _("no address set"));
}

gboolean
tw_service_details_can_reset_rate_limits (TwServiceDetails *self,
                                          gboolean          one_provider)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), FALSE);
  return self->client != NULL &&
         tw_client_has_operation (self->client, one_provider ? "rate_limits.reset_provider"
                                                             : "rate_limits.reset");
}

void
tw_service_details_refresh (TwServiceDetails *self)
{
  g_return_if_fail (TW_IS_SERVICE_DETAILS (self));

  if (self->client == NULL)
    return;
  for (guint i = 0; i < TW_DETAIL_N_SECTIONS; i++)
    {
      g_autoptr(GHashTable) vars = NULL;
      CallData *call;

      if (self->in_flight[i] != NULL || !tw_service_details_has_section (self, i))
        continue;
      vars = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      g_hash_table_insert (vars, "days", g_strdup_printf ("%u", self->days));
      g_hash_table_insert (vars, "limit", g_strdup_printf ("%u", self->limit));
      call = g_new0 (CallData, 1);
      call->self = self;
      call->section = i;
      self->in_flight[i] = g_cancellable_new ();
      /* A page reads again soon: one retry at most, so a failing section says so. */
      tw_client_call_full_async (self->client, operations[i], vars, 1, self->in_flight[i],
                                 on_called, call);
    }
}

static gboolean
timer_cb (gpointer user_data)
{
  tw_service_details_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

/* One source for every service's timer (tw_timer_add()), not one each. */
void
tw_service_details_start (TwServiceDetails *self,
                          guint             interval_s)
{
  tw_service_details_start_after (self, interval_s, interval_s * 1000);
}

void
tw_service_details_start_after (TwServiceDetails *self,
                                guint             interval_s,
                                guint             first_ms)
{
  g_return_if_fail (TW_IS_SERVICE_DETAILS (self));

  g_clear_handle_id (&self->timer_id, tw_timer_remove);
  self->interval_s = interval_s;
  if (interval_s > 0)
    self->timer_id = tw_timer_add (interval_s * 1000, first_ms, timer_cb, self);
}

/* ---- one order and its approval ---- */

typedef struct
{
  TwServiceDetails *self;
  TwDetailItem     *item;
  guint             pending;
  char             *error;
} OrderRead;

typedef struct
{
  OrderRead  *read;
  const char *operation;  /* static */
} OrderPart;

static void
order_read_free (OrderRead *read)
{
  g_clear_object (&read->item);
  g_free (read->error);
  g_free (read);
}

static void
on_order_part (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree OrderPart *part = user_data;
  OrderRead *read = part->read;
  const char *operation = part->operation;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (source), result, NULL, &error);
  TwServiceDetails *self = read->self;

  read->pending--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (read->pending == 0)
        order_read_free (read);
      return;
    }
  if (root != NULL)
    {
      const TwOperation *op = tw_connector_get_operation (tw_client_get_connector (self->client), operation);
      JsonNode *selected = tw_operation_select (op, root, &error);

      if (selected != NULL)
        tw_operation_map_object (op, selected, G_OBJECT (read->item), &error);
    }
  if (error != NULL && read->error == NULL)
    read->error = g_strdup (error->message);
  if (read->pending > 0)
    return;

  g_set_object (&self->order, read->item);
  g_free (self->order_error);
  self->order_error = g_steal_pointer (&read->error);
  g_clear_object (&self->order_cancellable);
  order_read_free (read);
  g_signal_emit (self, signals[UPDATED], 0, (guint) TW_DETAIL_ORDERS);
}

void
tw_service_details_read_order (TwServiceDetails *self,
                               const char       *order_id)
{
  static const char * const parts[] = { "orders.get", "approvals.status" };
  g_autoptr(GHashTable) vars = NULL;
  OrderRead *read;

  g_return_if_fail (TW_IS_SERVICE_DETAILS (self));
  g_return_if_fail (order_id != NULL);

  if (self->client == NULL)
    return;
  if (self->order_cancellable != NULL)
    g_cancellable_cancel (self->order_cancellable);
  g_clear_object (&self->order_cancellable);
  self->order_cancellable = g_cancellable_new ();

  vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (vars, "id", (gpointer) order_id);
  read = g_new0 (OrderRead, 1);
  read->self = self;
  read->item = tw_detail_item_new (order_id);
  tw_detail_item_set_string (read->item, "id", order_id);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (tw_client_has_operation (self->client, parts[i]))
      read->pending++;
  if (read->pending == 0)
    {
      order_read_free (read);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (tw_client_has_operation (self->client, parts[i]))
      {
        OrderPart *part = g_new0 (OrderPart, 1);

        part->read = read;
        part->operation = parts[i];
        tw_client_call_full_async (self->client, parts[i], vars, 1, self->order_cancellable,
                                   on_order_part, part);
      }
}

TwDetailItem *
tw_service_details_get_order (TwServiceDetails *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  return self->order;
}

const char *
tw_service_details_get_order_error (TwServiceDetails *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  return self->order_error;
}
