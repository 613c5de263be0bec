/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-flags.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "tw-client.h"
#include "tw-error.h"
#include "tw-flags-private.h"
#include "tw-profile.h"
#include "tw-util.h"

#define LIST_OPERATION       "flags.list"
#define DEFAULT_INTERVAL_MS  5000
#define HISTORY_ROWS         500

struct _TwFlags
{
  GObject         parent_instance;

  TwWorkspace    *workspace;
  TwAuditLog     *audit_log;
  TwAlertEngine  *alerts;
  GPtrArray      *items;          /* TwFlag, the model */
  GHashTable     *by_key;         /* "service\x1fflag" → TwFlag of items */
  GHashTable     *errors;         /* service id → why its last read failed */
  GHashTable     *own;            /* "service\x1fflag" → count: changes of ours under way */
  GHashTable     *files;          /* service id → LayerFiles last read */
  GHashTable     *etags;          /* service id → the ETag of its last answer (OFREP) */
  GHashTable     *not_before;     /* service id → gint64 monotonic µs: its 429's Retry-After */
  guint           interval_ms;
  guint           timeout_id;
  gboolean        started;
  gboolean        closed;
  gboolean        refreshing;
  guint           n_in_flight;
  GCancellable   *cancellable;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwFlags, tw_flags, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  EXTERNAL_CHANGE,
  IN_FLIGHT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
get_item_type (GListModel *model)
{
  return TW_TYPE_FLAG;
}

static guint
get_n_items (GListModel *model)
{
  return TW_FLAGS (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  TwFlags *self = TW_FLAGS (model);

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

static char *
own_key (TwFlag *flag)
{
  return g_strconcat (tw_flag_get_service_id (flag), "\x1f", tw_flag_get_name (flag), NULL);
}

/* Items are only ever added, never removed or renamed. A lookup finds the first
 * of a service's flags with a name, as a walk of the items would. */
static void
add_item (TwFlags *self,
          TwFlag  *flag)
{
  g_autofree char *key = own_key (flag);

  g_ptr_array_add (self->items, flag);
  if (!g_hash_table_contains (self->by_key, key))
    g_hash_table_insert (self->by_key, g_steal_pointer (&key), flag);
}

/* The services whose connector lists flags, in the profile's order. */
static GPtrArray *
flag_clients (TwFlags *self)
{
  GListModel *services = tw_workspace_get_services (self->workspace);
  GPtrArray *clients = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwClient *client = tw_workspace_get_client (self->workspace, tw_service_get_id (service));

      if (client != NULL && tw_client_has_operation (client, LIST_OPERATION))
        g_ptr_array_add (clients, client);
    }
  return clients;
}

/* Builds the model from the connectors: every documented flag, unknown until read. */
static void
build_items (TwFlags *self)
{
  g_autoptr(GPtrArray) clients = flag_clients (self);

  for (guint i = 0; i < clients->len; i++)
    {
      TwClient *client = g_ptr_array_index (clients, i);
      TwService *service = tw_client_get_service (client);
      GPtrArray *specs = tw_connector_get_flag_specs (tw_client_get_connector (client));

      for (guint j = 0; j < specs->len; j++)
        {
          const TwFlagSpec *spec = g_ptr_array_index (specs, j);

          add_item (self, _tw_flag_new (tw_service_get_id (service),
                                        tw_service_get_name (service),
                                        spec->name, spec));
        }
    }
}

TwFlag *
tw_flags_lookup (TwFlags    *self,
                 const char *service_id,
                 const char *name)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (TW_IS_FLAGS (self), NULL);

  if (service_id == NULL || name == NULL)
    return NULL;
  /* Every flags answer looks up each of its flags: by a walk of every service's
   * flags, that was 0.3 % of the console's time polling 200 services. */
  key = g_strconcat (service_id, "\x1f", name, NULL);
  return g_hash_table_lookup (self->by_key, key);
}

const char *
tw_flags_get_service_error (TwFlags    *self,
                            const char *service_id)
{
  g_return_val_if_fail (TW_IS_FLAGS (self), NULL);

  return g_hash_table_lookup (self->errors, service_id);
}

/* ---- reading the values ---- */

static void
tell_external_change (TwFlags    *self,
                      TwFlag     *flag,
                      const char *old_value,
                      const char *new_value)
{
  gboolean away = !tw_flag_is_toward_safety (flag, new_value) &&
                  tw_flag_get_safe (flag) != TW_FLAG_SAFE_UNKNOWN;
  g_autofree char *old_text = tw_flag_format_value (flag, old_value);
  g_autofree char *new_text = tw_flag_format_value (flag, new_value);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  g_message ("Flag %s of %s changed outside this console: %s → %s",
             tw_flag_get_name (flag), tw_flag_get_service_id (flag), old_value, new_value);
  g_signal_emit (self, signals[EXTERNAL_CHANGE], 0, flag, old_value, new_value);

  if (self->alerts == NULL)
    return;
  if (!away)
    {
      /* Back toward safety: a critical alert of this flag may come again next time. */
      tw_alert_engine_clear_flag_change (self->alerts, tw_flag_get_service_id (flag),
                                         tw_flag_get_name (flag));
    }
  /* Translators: a service's name and a feature flag's label */
  title = g_strdup_printf (_("%s: %s changed by someone else"), tw_flag_get_service_name (flag),
                           tw_flag_get_label (flag));
  body = away
         /* Translators: a flag's name, its old and new value */
         ? g_strdup_printf (_("%s went from %s to %s without this console changing it — away "
                              "from safety. Find out who changed it; halt trading if it was "
                              "not meant."), tw_flag_get_name (flag), old_text, new_text)
         /* Translators: a flag's name, its old and new value */
         : g_strdup_printf (_("%s went from %s to %s without this console changing it."),
                            tw_flag_get_name (flag), old_text, new_text);
  tw_alert_engine_raise_flag_change (self->alerts, tw_flag_get_service_id (flag),
                                     tw_flag_get_name (flag), new_value,
                                     away ? TW_ALERT_CRITICAL : TW_ALERT_WARNING, title, body);
}

/* Returns: (transfer none): the flag @value was set on */
static TwFlag *
apply_value (TwFlags    *self,
             TwService  *service,
             const char *name,
             const char *value,
             guint      *added)
{
  const char *service_id = tw_service_get_id (service);
  g_autofree char *key = NULL;
  g_autofree char *old_value = NULL;
  TwFlag *flag = tw_flags_lookup (self, service_id, name);

  if (flag == NULL)
    {
      /* A flag the connector does not document: shown all the same. */
      flag = _tw_flag_new (service_id, tw_service_get_name (service), name, NULL);
      add_item (self, flag);
      (*added)++;
    }
  key = own_key (flag);
  old_value = g_strdup (tw_flag_get_value (flag));
  if (_tw_flag_set_value (flag, value) && old_value != NULL &&
      !g_hash_table_contains (self->own, key))
    tell_external_change (self, flag, old_value, value);
  return flag;
}

/* OFREP's bulk answer: [{key, value, reason, variant} | {key, errorCode, errorDetails}].
 * The reason is what the service says decided the value; it is not one of the runbooks'
 * layers, so the layer stays unknown with the service's words beside it. */
static void
apply_evaluations (TwFlags   *self,
                   TwService *service,
                   JsonArray *array,
                   guint     *added)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *name = object != NULL ? json_object_get_string_member_with_default (object, "key", NULL) : NULL;
      JsonNode *value_node = object != NULL ? json_object_get_member (object, "value") : NULL;
      g_autofree char *value = value_node != NULL ? _tw_flags_value_text (value_node) : NULL;
      const char *reason, *variant;
      g_autofree char *detail = NULL;
      TwFlag *flag;

      if (name == NULL || value == NULL)
        {
          g_debug ("Flags of %s: an evaluation without key or value skipped (%s)",
                   tw_service_get_id (service),
                   object != NULL ? json_object_get_string_member_with_default (object, "errorCode", "?") : "?");
          continue;
        }
      flag = apply_value (self, service, name, value, added);
      reason = json_object_get_string_member_with_default (object, "reason", NULL);
      variant = json_object_get_string_member_with_default (object, "variant", NULL);
      if (reason != NULL && variant != NULL)
        /* Translators: an OpenFeature evaluation's reason (“STATIC”) and variant (“on”) */
        detail = g_strdup_printf (_("the flag service says: %s, variant “%s”"), reason, variant);
      else if (reason != NULL)
        /* Translators: an OpenFeature evaluation's reason, e.g. “TARGETING_MATCH” */
        detail = g_strdup_printf (_("the flag service says: %s"), reason);
      if (g_hash_table_lookup (self->files, tw_service_get_id (service)) == NULL)
        _tw_flag_set_layer (flag, TW_FLAG_LAYER_UNKNOWN, detail, FALSE);
    }
}

/* Applies one flags.list answer of @client's service. */
static gboolean
apply_answer (TwFlags   *self,
              TwClient  *client,
              JsonNode  *node,
              GError   **error)
{
  TwService *service = tw_client_get_service (client);
  const char *service_id = tw_service_get_id (service);
  const TwOperation *op = tw_connector_get_operation (tw_client_get_connector (client), LIST_OPERATION);
  JsonNode *selected = node != NULL ? tw_operation_select (op, node, NULL) : NULL;
  guint added = 0, at = self->items->len;

  if (selected != NULL && JSON_NODE_HOLDS_ARRAY (selected))
    apply_evaluations (self, service, json_node_get_array (selected), &added);
  else if (selected != NULL && JSON_NODE_HOLDS_OBJECT (selected))
    {
      JsonObject *object = json_node_get_object (selected);
      g_autoptr(GList) members = json_object_get_members (object);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *value = _tw_flags_value_text (json_object_get_member (object, l->data));

          if (value != NULL)
            apply_value (self, service, l->data, value, &added);
        }
    }
  else
    {
      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("The feature flags of %s are neither an object nor a list of "
                     "evaluations: check the connector's \"%s\""),
                   tw_service_get_name (service), LIST_OPERATION);
      return FALSE;
    }

  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), at, 0, added);
  g_hash_table_remove (self->errors, service_id);
  if (g_hash_table_lookup (self->files, service_id) != NULL)
    _tw_flags_apply_layers (self->items, service_id, g_hash_table_lookup (self->files, service_id));
  return TRUE;
}

typedef struct
{
  guint    pending;
  GError  *error;    /* the first failure */
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_clear_error (&data->error);
  g_free (data);
}

static void
refresh_one_done (GTask  *task,
                  GError *error)
{
  RefreshData *data = g_task_get_task_data (task);
  TwFlags *self = g_task_get_source_object (task);

  if (error != NULL && data->error == NULL)
    data->error = g_error_copy (error);
  if (--data->pending > 0)
    return;
  self->refreshing = FALSE;
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Seconds from a Retry-After: delta-seconds, an HTTP date, or (as OFREP's examples
 * write it) an ISO 8601 date-time. 0 when absent or unreadable; at most an hour. */
static guint
retry_after_seconds (const char *value)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  char *end = NULL;
  guint64 seconds;

  if (value == NULL)
    return 0;
  seconds = g_ascii_strtoull (value, &end, 10);
  if (end != value && *end == '\0')
    return (guint) MIN (seconds, 3600);
  when = g_date_time_new_from_iso8601 (value, NULL);
  if (when == NULL)
    when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return 0;
  now = g_date_time_new_now_utc ();
  return (guint) CLAMP (g_date_time_difference (when, now) / G_TIME_SPAN_SECOND, 0, 3600);
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwFlags *self = g_task_get_source_object (task);
  TwClient *client = TW_CLIENT (source);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *service_id;

  node = tw_client_call_finish (client, result, &response, &error);
  service_id = tw_service_get_id (tw_client_get_service (client));
  /* 304: nothing changed since the ETag we sent (OFREP): the values stand. */
  if (error != NULL && response != NULL && tw_http_response_get_status (response) == 304)
    {
      g_clear_error (&error);
      g_hash_table_remove (self->errors, service_id);
    }
  else if (error != NULL && response != NULL && tw_http_response_get_status (response) == 429)
    {
      guint seconds = retry_after_seconds (tw_http_response_get_header (response, "Retry-After"));

      /* Not asked again before the service said: the values stand meanwhile. */
      if (seconds > 0)
        g_hash_table_replace (self->not_before, g_strdup (service_id),
                              g_memdup2 (&(gint64) { g_get_monotonic_time () + seconds * G_USEC_PER_SEC },
                                         sizeof (gint64)));
    }
  else if (error == NULL && !self->closed && apply_answer (self, client, node, &error))
    {
      const char *etag = tw_http_response_get_header (response, "ETag");

      if (etag != NULL)
        g_hash_table_replace (self->etags, g_strdup (service_id), g_strdup (etag));
      else
        g_hash_table_remove (self->etags, service_id);
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_hash_table_replace (self->errors,
                          g_strdup (tw_service_get_id (tw_client_get_service (client))),
                          g_strdup (error->message));
  refresh_one_done (task, error);
}

static void
files_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  TwFlags *self = TW_FLAGS (source);
  LayerFiles *files = g_task_get_task_data (G_TASK (result));
  const char *service_id = g_object_get_data (G_OBJECT (result), "service-id");

  /* The callback owns @files (the task holds them without a free function). */
  if (!self->closed && g_task_propagate_boolean (G_TASK (result), NULL))
    {
      _tw_flags_apply_layers (self->items, service_id, files);
      /* Kept: the values read later are checked against them too. */
      g_hash_table_replace (self->files, g_strdup (service_id), files);
    }
  else
    _tw_flags_layer_files_free (files);
}

static void
files_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  _tw_flags_layer_files_read (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
read_files_of (TwFlags   *self,
               TwService *service)
{
  g_autoptr(GTask) task = NULL;
  LayerFiles *files;

  if (tw_service_get_env_file (service) == NULL && tw_service_get_flags_file (service) == NULL)
    return;
  files = g_new0 (LayerFiles, 1);
  files->env_path = g_strdup (tw_service_get_env_file (service));
  files->flags_path = g_strdup (tw_service_get_flags_file (service));
  task = g_task_new (self, self->cancellable, files_cb, NULL);
  g_task_set_source_tag (task, read_files_of);
  g_task_set_task_data (task, files, NULL);
  g_object_set_data_full (G_OBJECT (task), "service-id", g_strdup (tw_service_get_id (service)),
                          g_free);
  g_task_run_in_thread (task, files_thread);
}

void
tw_flags_refresh_async (TwFlags             *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) clients = NULL;
  RefreshData *data;

  g_return_if_fail (TW_IS_FLAGS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_flags_refresh_async);
  if (self->closed)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The profile is closed"));
      return;
    }

  clients = flag_clients (self);
  data = g_new0 (RefreshData, 1);
  data->pending = clients->len + 1;
  g_task_set_task_data (task, data, (GDestroyNotify) refresh_data_free);
  self->refreshing = TRUE;
  for (guint i = 0; i < clients->len; i++)
    {
      TwClient *client = g_ptr_array_index (clients, i);
      const char *service_id = tw_service_get_id (tw_client_get_service (client));
      const char *etag = g_hash_table_lookup (self->etags, service_id);
      gint64 *not_before = g_hash_table_lookup (self->not_before, service_id);
      g_autoptr(GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);

      if (not_before != NULL && g_get_monotonic_time () < *not_before)
        {
          g_debug ("Flags of %s: not asked before its Retry-After", service_id);
          refresh_one_done (task, NULL);
          continue;
        }
      g_hash_table_remove (self->not_before, service_id);

      /* The last answer's ETag, for a connector whose list sends If-None-Match. */
      if (etag != NULL)
        g_hash_table_insert (vars, "etag", (gpointer) etag);
      read_files_of (self, tw_client_get_service (client));
      tw_client_call_full_async (client, LIST_OPERATION, vars, 1, self->cancellable, list_cb,
                                 g_object_ref (task));
    }
  refresh_one_done (task, NULL);
}

gboolean
tw_flags_refresh_finish (TwFlags       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (TW_IS_FLAGS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- history: the last change of each flag, from the audit log ---- */

static void
history_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TwFlags) self = user_data;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GError) error = NULL;

  rows = tw_audit_log_query_finish (TW_AUDIT_LOG (source), result, &error);
  if (rows == NULL || self->closed)
    return;

  /* Newest first: the first row that names a flag is its last change. */
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwAuditRecord) row = g_list_model_get_item (rows, i);
      const char *action = tw_audit_record_get_action (row);
      const char *target = tw_audit_record_get_target (row);
      const char *colon = target != NULL ? strchr (target, ':') : NULL;
      g_autofree char *id = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GDateTime) time = NULL;
      g_autoptr(GDateTime) local = NULL;
      g_autofree char *when = NULL;
      g_autofree char *change = NULL;
      const char *reason;
      const char *slash;
      TwFlag *flag;

      if (!g_str_has_prefix (action, "flags.") || colon == NULL)
        continue;
      id = g_strndup (target, colon - target);
      slash = strchr (id, '/');
      if (slash == NULL)
        continue;
      id[slash - id] = '\0';
      flag = tw_flags_lookup (self, id, slash + 1);
      if (flag == NULL || g_hash_table_contains (seen, flag))
        continue;
      g_hash_table_add (seen, flag);

      time = tw_audit_record_dup_time (row);
      local = g_date_time_to_local (time);
      when = g_date_time_format (local, "%Y-%m-%d %H:%M");
      change = g_strstrip (g_strdup (colon + 1));
      reason = tw_audit_record_get_reason (row);
      /* Translators: who changed a flag, when, what (“off → on”), the outcome and why */
      text = g_strdup_printf (_("%s, %s: %s (%s) — %s"), tw_audit_record_get_actor (row), when,
                              change,
                              tw_audit_outcome_to_string (tw_audit_record_get_outcome (row)),
                              reason != NULL && *reason != '\0' ? reason : _("no reason given"));
      _tw_flag_set_last_change (flag, text);
    }
}

void
_tw_flags_reload_history (TwFlags *self)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;

  if (self->audit_log == NULL || self->closed)
    return;
  filter.text = "flags.";
  filter.profile = tw_profile_get_name (tw_workspace_get_profile (self->workspace));
  filter.limit = HISTORY_ROWS;
  tw_audit_log_query_async (self->audit_log, &filter, self->cancellable, history_cb,
                            g_object_ref (self));
}

/* ---- polling ---- */

static void
poll_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tw_flags_refresh_finish (TW_FLAGS (source), result, &error))
    g_debug ("Flags poll: %s", error->message);
}

static gboolean
poll_timeout_cb (gpointer user_data)
{
  TwFlags *self = user_data;

  if (!self->refreshing)
    tw_flags_refresh_async (self, NULL, poll_cb, NULL);
  return G_SOURCE_CONTINUE;
}

static void
schedule (TwFlags *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->started && !self->closed && self->interval_ms > 0)
    self->timeout_id = g_timeout_add (self->interval_ms, poll_timeout_cb, self);
}

void
tw_flags_start (TwFlags *self)
{
  g_return_if_fail (TW_IS_FLAGS (self));

  if (self->started || self->closed)
    return;
  self->started = TRUE;
  if (!tw_flags_has_services (self))
    return;
  tw_flags_refresh_async (self, NULL, poll_cb, NULL);
  _tw_flags_reload_history (self);
  schedule (self);
}

void
tw_flags_stop (TwFlags *self)
{
  g_return_if_fail (TW_IS_FLAGS (self));

  self->started = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

guint
tw_flags_get_poll_interval (TwFlags *self)
{
  g_return_val_if_fail (TW_IS_FLAGS (self), 0);
  return self->interval_ms;
}

void
tw_flags_set_poll_interval (TwFlags *self,
                            guint    interval_ms)
{
  g_return_if_fail (TW_IS_FLAGS (self));

  if (self->interval_ms == interval_ms)
    return;
  self->interval_ms = interval_ms;
  if (self->timeout_id != 0)
    schedule (self);
}

gboolean
tw_flags_has_services (TwFlags *self)
{
  g_autoptr(GPtrArray) clients = NULL;

  g_return_val_if_fail (TW_IS_FLAGS (self), FALSE);

  clients = flag_clients (self);
  return clients->len > 0;
}

void
tw_flags_set_alert_engine (TwFlags       *self,
                           TwAlertEngine *engine)
{
  g_return_if_fail (TW_IS_FLAGS (self));

  g_set_object (&self->alerts, engine);
}

guint
tw_flags_get_n_in_flight (TwFlags *self)
{
  g_return_val_if_fail (TW_IS_FLAGS (self), 0);
  return self->n_in_flight;
}

/* ---- for tw-flags-change.c ---- */

TwWorkspace *
_tw_flags_get_workspace (TwFlags *self)
{
  return self->workspace;
}

TwAuditLog *
_tw_flags_get_audit_log (TwFlags *self)
{
  return self->audit_log;
}

gboolean
_tw_flags_is_closed (TwFlags *self)
{
  return self->closed;
}

void
_tw_flags_tell_revert (TwFlags    *self,
                       TwFlag     *flag,
                       gboolean    ok,
                       const char *message)
{
  g_autofree char *value = tw_flag_format_value (flag, tw_flag_get_value (flag));
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (self->alerts == NULL)
    return;
  /* Translators: a service's name and a feature flag's label */
  title = g_strdup_printf (_("%s: %s reverted"), tw_flag_get_service_name (flag),
                           tw_flag_get_label (flag));
  body = ok
         /* Translators: a flag's name and its value now */
         ? g_strdup_printf (_("The scheduled revert set %s back to %s."), tw_flag_get_name (flag), value)
         /* Translators: a flag's name, then why the revert did not hold */
         : g_strdup_printf (_("The scheduled revert of %s did not hold: %s"), tw_flag_get_name (flag),
                            message != NULL ? message : "");
  tw_alert_engine_raise_flag_change (self->alerts, tw_flag_get_service_id (flag),
                                     tw_flag_get_name (flag), "revert",
                                     ok ? TW_ALERT_INFO : TW_ALERT_WARNING, title, body);
}

void
_tw_flags_own_change (TwFlags  *self,
                      TwFlag   *flag,
                      gboolean  on)
{
  g_autofree char *key = own_key (flag);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->own, key));

  count = on ? count + 1 : (count > 0 ? count - 1 : 0);
  if (count > 0)
    g_hash_table_replace (self->own, g_steal_pointer (&key), GUINT_TO_POINTER (count));
  else
    g_hash_table_remove (self->own, key);
  _tw_flag_set_busy (flag, count > 0);
}

void
_tw_flags_work_changed (TwFlags *self,
                        int      delta)
{
  if (delta < 0 && self->n_in_flight == 0)
    return;
  self->n_in_flight += delta;
  g_signal_emit (self, signals[IN_FLIGHT_CHANGED], 0);
}

void
tw_flags_close (TwFlags *self)
{
  g_return_if_fail (TW_IS_FLAGS (self));

  if (self->closed)
    return;
  tw_flags_stop (self);
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < self->items->len; i++)
    {
      TwFlag *flag = g_ptr_array_index (self->items, i);

      if (tw_flag_get_revert_at (flag) == NULL)
        continue;
      if (self->audit_log != NULL)
        {
          TwProfile *profile = tw_workspace_get_profile (self->workspace);
          g_autofree char *target = g_strdup_printf ("%s/%s: scheduled revert not carried out",
                                                     tw_flag_get_service_id (flag),
                                                     tw_flag_get_name (flag));
          g_autoptr(GError) error = NULL;

          if (tw_audit_log_record (self->audit_log, tw_profile_get_name (profile),
                                   tw_profile_get_mode (profile), "flags.revert", target, NULL,
                                   TW_AUDIT_OUTCOME_INTERRUPTED, 0,
                                   _("The profile was closed before the revert was due"),
                                   &error) == 0)
            g_warning ("A dropped revert was not audited: %s", error->message);
        }
      g_object_set_data (G_OBJECT (flag), "tw-flags-revert", NULL);
      _tw_flag_set_revert_at (flag, NULL);
    }
}

/* ---- GObject ---- */

static void
tw_flags_dispose (GObject *object)
{
  TwFlags *self = TW_FLAGS (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->alerts);
  g_clear_object (&self->audit_log);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (tw_flags_parent_class)->dispose (object);
}

static void
tw_flags_finalize (GObject *object)
{
  TwFlags *self = TW_FLAGS (object);

  g_hash_table_unref (self->by_key);
  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->errors);
  g_hash_table_unref (self->own);
  g_hash_table_unref (self->files);
  g_hash_table_unref (self->etags);
  g_hash_table_unref (self->not_before);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tw_flags_parent_class)->finalize (object);
}

static void
tw_flags_class_init (TwFlagsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_flags_dispose;
  object_class->finalize = tw_flags_finalize;

  /**
   * TwFlags::external-change:
   * @flag: the flag
   * @old_value: its value at the poll before
   * @new_value: its value now
   *
   * A flag changed between two polls without this console changing it.
   */
  signals[EXTERNAL_CHANGE] =
    g_signal_new ("external-change", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, TW_TYPE_FLAG, G_TYPE_STRING, G_TYPE_STRING);
  signals[IN_FLIGHT_CHANGED] =
    g_signal_new ("in-flight-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tw_flags_init (TwFlags *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->own = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->etags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->not_before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) _tw_flags_layer_files_free);
  self->interval_ms = DEFAULT_INTERVAL_MS;
  self->cancellable = g_cancellable_new ();
}

TwFlags *
tw_flags_new (TwWorkspace *workspace,
              TwAuditLog  *audit_log)
{
  TwFlags *self;

  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (audit_log == NULL || TW_IS_AUDIT_LOG (audit_log), NULL);

  self = g_object_new (TW_TYPE_FLAGS, NULL);
  self->workspace = g_object_ref (workspace);
  self->audit_log = audit_log != NULL ? g_object_ref (audit_log) : NULL;
  build_items (self);
  return self;
}
