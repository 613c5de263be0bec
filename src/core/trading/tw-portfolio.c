/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-portfolio.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-portfolio-private.h"

/* The monitor half of TwPortfolio: pollers, mapping in a worker thread, the in-place
 * merge. The actions are in tw-portfolio-actions.c. */

typedef enum
{
  KIND_ACCOUNT,
  KIND_POSITIONS,
  KIND_ORDERS,
  N_KINDS
} Kind;


typedef struct
{
  TwPortfolio *portfolio;   /* unowned: the portfolio owns the entry */
  TwService   *service;
  char        *service_id;
  TwClient    *client;
  TwPoller    *pollers[N_KINDS];
  const char  *operations[N_KINDS];
  char        *errors[N_KINDS];
  guint        seq[N_KINDS];
  guint64      mapped_hash[N_KINDS];  /* body hash of the last answer merged, 0: none or newer one pending */
  gboolean     mapped[N_KINDS];       /* an answer of this kind is in the models (or failed to map) */
  GDateTime   *updated_at;
  gboolean     stale;
  gulong       connector_changed_id;
} Entry;

G_DEFINE_FINAL_TYPE (TwPortfolio, tw_portfolio, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WORKSPACE,
  PROP_STUCK_THRESHOLD,
  PROP_BACKGROUND_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SERVICE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void entry_setup    (Entry *entry);
static void entry_teardown (Entry *entry);

/* The workspace's interval while a view shows the data; without one, the background
 * interval when set (never shorter than the workspace's). */
static guint
poll_interval (TwPortfolio *self)
{
  guint interval = tw_workspace_get_poll_interval (self->workspace);

  if (self->views == 0 && self->background_interval_ms > 0)
    return MAX (interval, self->background_interval_ms);
  return interval;
}

/* ---- per-service state ---- */

static void
entry_sync_state (Entry *entry)
{
  TwPortfolio *self = entry->portfolio;
  g_autoptr(GDateTime) oldest = NULL;
  gboolean complete = TRUE, stale = FALSE, changed = FALSE;
  TwAccount *account;

  for (guint k = 0; k < N_KINDS; k++)
    {
      GDateTime *last;

      if (entry->pollers[k] == NULL)
        continue;
      stale |= tw_poller_get_stale (entry->pollers[k]);
      last = tw_poller_get_last_success (entry->pollers[k]);
      /* Answered is not shown: the answer is mapped in a thread, and "updated at" says
       * the models hold what every poll of the service answered. */
      if (last == NULL || !entry->mapped[k])
        complete = FALSE;
      else if (oldest == NULL || g_date_time_compare (last, oldest) < 0)
        {
          g_clear_pointer (&oldest, g_date_time_unref);
          oldest = g_date_time_ref (last);
        }
    }
  if (!complete)
    g_clear_pointer (&oldest, g_date_time_unref);

  if (!(entry->updated_at == oldest ||
        (entry->updated_at && oldest && g_date_time_equal (entry->updated_at, oldest))))
    {
      g_clear_pointer (&entry->updated_at, g_date_time_unref);
      entry->updated_at = oldest ? g_date_time_ref (oldest) : NULL;
      changed = TRUE;
    }
  if (entry->stale != stale)
    {
      entry->stale = stale;
      changed = TRUE;
    }

  account = g_hash_table_lookup (self->account_index, entry->service_id);
  if (account != NULL)
    {
      tw_account_set_stale (account, stale);
      if (entry->pollers[KIND_ACCOUNT] != NULL)
        tw_account_set_updated_at (account, tw_poller_get_last_success (entry->pollers[KIND_ACCOUNT]));
    }

  if (changed)
    g_signal_emit (self, signals[SERVICE_CHANGED], 0, entry->service_id);
}

static void
entry_set_error (Entry        *entry,
                 Kind          kind,
                 const GError *error)
{
  const char *message = error != NULL ? error->message : NULL;

  if (g_strcmp0 (entry->errors[kind], message) == 0)
    return;
  g_free (entry->errors[kind]);
  entry->errors[kind] = g_strdup (message);
  g_signal_emit (entry->portfolio, signals[SERVICE_CHANGED], 0, entry->service_id);
}

/* ---- mapping in a worker thread ---- */

typedef struct
{
  char        *service_id;
  char        *service_name;
  Kind         kind;
  guint        seq;
  TwConnector *connector;
  char        *operation;
  JsonNode    *body;        /* NULL when parsed from the response in the worker */
  TwHttpResponse *response;
  guint64      hash;
  GWeakRef     portfolio;   /* a mapping keeps no stopped portfolio alive */
} MapJob;

static void
map_job_free (MapJob *job)
{
  g_weak_ref_clear (&job->portfolio);
  g_free (job->service_id);
  g_free (job->service_name);
  g_clear_object (&job->connector);
  g_free (job->operation);
  g_clear_pointer (&job->body, json_node_unref);
  g_clear_pointer (&job->response, tw_http_response_unref);
  g_free (job);
}

static void
map_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  MapJob *job = task_data;
  const TwOperation *op = tw_connector_get_operation (job->connector, job->operation);
  /* Taken from the job so the (possibly multi-megabyte) tree is freed here, in the worker,
   * and not on the main thread when the task data is freed. */
  g_autoptr(JsonNode) body = g_steal_pointer (&job->body);
  GError *error = NULL;

  if (op == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               _("The connector no longer has “%s”"), job->operation);
      return;
    }

  /* The poller's tree is shared: its answer may be the health's and the risk
   * monitor's too (one request for Alpaca's /v2/account), mapped on the main thread
   * meanwhile, and json-glib counts an object's references without atomics. The worker
   * maps a tree of its own, parsed here from the answer's bytes. */
  if (body == NULL)
    {
      body = tw_http_response_parse_json (job->response, &error);
      if (body == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  if (job->kind == KIND_ACCOUNT)
    {
      TwAccount *account = _tw_portfolio_map_account (op, body, job->service_id, &error);

      if (account == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, account, g_object_unref);
      return;
    }

  {
    GPtrArray *items = _tw_portfolio_map_items (op, body,
                                                job->kind == KIND_POSITIONS ? TW_TYPE_POSITION : TW_TYPE_ORDER,
                                                job->service_id, job->service_name, &error);

    if (items == NULL)
      g_task_return_error (task, error);
    else
      g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
  }
}

static void
on_mapped (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  MapJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(TwPortfolio) self = g_weak_ref_get (&job->portfolio);
  g_autoptr(GError) error = NULL;
  gpointer mapped;
  Entry *entry;

  mapped = g_task_propagate_pointer (G_TASK (result), &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (mapped != NULL)
        (job->kind == KIND_ACCOUNT ? g_object_unref : (GDestroyNotify) g_ptr_array_unref) (mapped);
      return;
    }

  entry = g_hash_table_lookup (self->entries, job->service_id);
  /* A newer answer is being mapped, or the service went away: this one is old news. */
  if (entry == NULL || entry->seq[job->kind] != job->seq)
    {
      if (mapped != NULL)
        (job->kind == KIND_ACCOUNT ? g_object_unref : (GDestroyNotify) g_ptr_array_unref) (mapped);
      return;
    }

  entry->mapped[job->kind] = TRUE;
  if (mapped == NULL)
    {
      entry_set_error (entry, job->kind, error);
      return;
    }

  switch (job->kind)
    {
    case KIND_ACCOUNT:
      _tw_portfolio_merge_account (self, entry->service, mapped);
      g_object_unref (mapped);
      break;
    case KIND_POSITIONS:
      _tw_portfolio_merge_positions (self, job->service_id, mapped);
      g_ptr_array_unref (mapped);
      break;
    case KIND_ORDERS:
      _tw_portfolio_merge_orders (self, job->service_id, mapped);
      g_ptr_array_unref (mapped);
      break;
    default:
      g_assert_not_reached ();
    }

  entry_set_error (entry, job->kind, NULL);
  entry->mapped_hash[job->kind] = job->hash;
  entry_sync_state (entry);
}

static Kind
kind_of_poller (Entry    *entry,
                TwPoller *poller)
{
  for (guint k = 0; k < N_KINDS; k++)
    if (entry->pollers[k] == poller)
      return k;
  g_return_val_if_reached (KIND_ACCOUNT);
}

static void
on_poller_succeeded (TwPoller       *poller,
                     JsonNode       *body,
                     TwHttpResponse *response,
                     Entry          *entry)
{
  TwPortfolio *self = entry->portfolio;
  Kind kind = kind_of_poller (entry, poller);
  g_autoptr(GTask) task = NULL;
  guint64 hash = tw_poller_get_body_hash (poller);
  const TwOperation *op;
  MapJob *job;

  /* Byte for byte the answer merged last, none pending since and no error: the models
   * already say what it says (no thread, no mapping, no notification). */
  if (hash != 0 && hash == entry->mapped_hash[kind] && entry->errors[kind] == NULL)
    {
      entry_sync_state (entry);
      return;
    }
  entry->mapped_hash[kind] = 0;

  job = g_new0 (MapJob, 1);
  job->hash = hash;
  job->service_id = g_strdup (entry->service_id);
  job->service_name = g_strdup (tw_service_get_name (entry->service));
  job->kind = kind;
  job->seq = ++entry->seq[kind];
  job->connector = g_object_ref (tw_client_get_connector (entry->client));
  job->operation = g_strdup (entry->operations[kind]);
  op = tw_connector_get_operation (job->connector, job->operation);
  if (response != NULL && tw_http_response_get_status (response) != 0 &&
      tw_http_response_get_body (response) != NULL && op != NULL && !tw_operation_is_text (op))
    job->response = tw_http_response_ref (response);
  else
    job->body = json_node_ref (body);
  g_weak_ref_init (&job->portfolio, self);

  task = g_task_new (NULL, self->cancellable, on_mapped, NULL);
  g_task_set_source_tag (task, on_poller_succeeded);
  g_task_set_task_data (task, job, (GDestroyNotify) map_job_free);
  g_task_run_in_thread (task, map_in_thread);
}

static void
on_poller_failed (TwPoller *poller,
                  GError   *error,
                  Entry    *entry)
{
  entry->mapped_hash[kind_of_poller (entry, poller)] = 0;
  entry_set_error (entry, kind_of_poller (entry, poller), error);
  entry_sync_state (entry);
}

static void
on_poller_stale (TwPoller   *poller,
                 GParamSpec *pspec,
                 Entry      *entry)
{
  entry_sync_state (entry);
}

/* ---- entries ---- */

static const char * const kind_operations[N_KINDS][3] = {
  [KIND_ACCOUNT] = { "account.get", NULL, NULL },
  [KIND_POSITIONS] = { "positions.list", NULL, NULL },
  [KIND_ORDERS] = { "orders.list", "orders.pending", NULL },
};

static void
entry_setup (Entry *entry)
{
  TwPortfolio *self = entry->portfolio;
  TwClient *client = tw_workspace_get_client (self->workspace, entry->service_id);

  if (client == NULL)
    return;
  entry->client = g_object_ref (client);

  for (guint k = 0; k < N_KINDS; k++)
    {
      for (guint j = 0; kind_operations[k][j] != NULL; j++)
        if (tw_client_has_operation (client, kind_operations[k][j]))
          {
            entry->operations[k] = kind_operations[k][j];
            break;
          }
      if (entry->operations[k] == NULL)
        continue;

      entry->pollers[k] = tw_poller_new (client, entry->operations[k], poll_interval (self));
      g_signal_connect (entry->pollers[k], "succeeded", G_CALLBACK (on_poller_succeeded), entry);
      g_signal_connect (entry->pollers[k], "failed", G_CALLBACK (on_poller_failed), entry);
      g_signal_connect (entry->pollers[k], "notify::stale", G_CALLBACK (on_poller_stale), entry);
      if (self->running)
        tw_poller_start (entry->pollers[k]);
    }
}

static void
entry_teardown (Entry *entry)
{
  for (guint k = 0; k < N_KINDS; k++)
    {
      if (entry->pollers[k] != NULL)
        {
          g_signal_handlers_disconnect_by_data (entry->pollers[k], entry);
          tw_poller_stop (entry->pollers[k]);
        }
      g_clear_object (&entry->pollers[k]);
      g_clear_pointer (&entry->errors[k], g_free);
      entry->operations[k] = NULL;
      entry->seq[k]++;
      entry->mapped_hash[k] = 0;
      entry->mapped[k] = FALSE;
    }
  g_clear_object (&entry->client);
  g_clear_pointer (&entry->updated_at, g_date_time_unref);
  entry->stale = FALSE;
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  entry_teardown (entry);
  g_clear_signal_handler (&entry->connector_changed_id, entry->service);
  g_clear_object (&entry->service);
  g_free (entry->service_id);
  g_free (entry);
}

static void
on_connector_id_changed (TwService  *service,
                         GParamSpec *pspec,
                         Entry      *entry)
{
  /* The workspace made the new client first (its handler was connected before ours). */
  entry_teardown (entry);
  _tw_portfolio_remove_service_items (entry->portfolio, entry->service_id);
  entry_setup (entry);
  g_signal_emit (entry->portfolio, signals[SERVICE_CHANGED], 0, entry->service_id);
}

static void
sync_services (TwPortfolio *self)
{
  GListModel *services = tw_workspace_get_services (self->workspace);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (services);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      const char *id = tw_service_get_id (service);
      Entry *entry;

      g_hash_table_add (present, (gpointer) id);
      if (g_hash_table_contains (self->entries, id))
        continue;

      entry = g_new0 (Entry, 1);
      entry->portfolio = self;
      entry->service = g_object_ref (service);
      entry->service_id = g_strdup (id);
      g_hash_table_insert (self->entries, entry->service_id, entry);
      entry->connector_changed_id =
        g_signal_connect (service, "notify::connector-id", G_CALLBACK (on_connector_id_changed), entry);
      entry_setup (entry);
    }

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      {
        g_autofree char *id = g_strdup (key);

        g_hash_table_iter_remove (&iter);
        _tw_portfolio_remove_service_items (self, id);
      }
}

static void
on_services_changed (GListModel  *model,
                     guint        position,
                     guint        removed,
                     guint        added,
                     TwPortfolio *self)
{
  sync_services (self);
}

/* A shorter interval makes the pollers that are due now poll at the next slots of the
 * shared timer, spread by its budget: a view that appears gets fresh data at once. */
static void
apply_interval (TwPortfolio *self)
{
  guint interval = poll_interval (self);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      for (guint k = 0; k < N_KINDS; k++)
        if (entry->pollers[k] != NULL)
          tw_poller_set_interval (entry->pollers[k], interval);
    }
}

static void
on_interval_changed (TwWorkspace *workspace,
                     GParamSpec  *pspec,
                     TwPortfolio *self)
{
  apply_interval (self);
}

/* ---- GObject ---- */

static void
tw_portfolio_constructed (GObject *object)
{
  TwPortfolio *self = TW_PORTFOLIO (object);

  G_OBJECT_CLASS (tw_portfolio_parent_class)->constructed (object);

  g_return_if_fail (TW_IS_WORKSPACE (self->workspace));

  self->services_changed_id =
    g_signal_connect (tw_workspace_get_services (self->workspace), "items-changed",
                      G_CALLBACK (on_services_changed), self);
  self->interval_changed_id =
    g_signal_connect (self->workspace, "notify::poll-interval",
                      G_CALLBACK (on_interval_changed), self);
  sync_services (self);
}

static void
tw_portfolio_dispose (GObject *object)
{
  TwPortfolio *self = TW_PORTFOLIO (object);

  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  if (self->workspace != NULL)
    {
      g_clear_signal_handler (&self->services_changed_id, tw_workspace_get_services (self->workspace));
      g_clear_signal_handler (&self->interval_changed_id, self->workspace);
    }
  if (self->entries != NULL)
    g_hash_table_remove_all (self->entries);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (tw_portfolio_parent_class)->dispose (object);
}

static void
tw_portfolio_finalize (GObject *object)
{
  TwPortfolio *self = TW_PORTFOLIO (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->account_index, g_hash_table_unref);
  g_clear_pointer (&self->position_index, g_hash_table_unref);
  g_clear_pointer (&self->order_index, g_hash_table_unref);
  g_clear_object (&self->accounts);
  g_clear_object (&self->positions);
  g_clear_object (&self->orders);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tw_portfolio_parent_class)->finalize (object);
}

static void
tw_portfolio_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TwPortfolio *self = TW_PORTFOLIO (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    case PROP_STUCK_THRESHOLD:
      g_value_set_uint (value, self->stuck_threshold);
      break;
    case PROP_BACKGROUND_INTERVAL:
      g_value_set_uint (value, self->background_interval_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_portfolio_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TwPortfolio *self = TW_PORTFOLIO (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      self->workspace = g_value_dup_object (value);
      break;
    case PROP_STUCK_THRESHOLD:
      tw_portfolio_set_stuck_threshold (self, g_value_get_uint (value));
      break;
    case PROP_BACKGROUND_INTERVAL:
      tw_portfolio_set_background_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_portfolio_class_init (TwPortfolioClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tw_portfolio_constructed;
  object_class->dispose = tw_portfolio_dispose;
  object_class->finalize = tw_portfolio_finalize;
  object_class->get_property = tw_portfolio_get_property;
  object_class->set_property = tw_portfolio_set_property;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, TW_TYPE_WORKSPACE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STUCK_THRESHOLD] =
    g_param_spec_uint ("stuck-threshold", NULL, NULL, 1, G_MAXUINT, TW_ORDER_DEFAULT_STUCK_THRESHOLD,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BACKGROUND_INTERVAL] =
    g_param_spec_uint ("background-interval", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SERVICE_CHANGED] =
    g_signal_new ("service-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tw_portfolio_init (TwPortfolio *self)
{
  self->stuck_threshold = TW_ORDER_DEFAULT_STUCK_THRESHOLD;
  self->cancellable = g_cancellable_new ();
  self->accounts = g_list_store_new (TW_TYPE_ACCOUNT);
  self->positions = g_list_store_new (TW_TYPE_POSITION);
  self->orders = g_list_store_new (TW_TYPE_ORDER);
  self->account_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->position_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->order_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
}

/* ---- public API ---- */

TwPortfolio *
tw_portfolio_new (TwWorkspace *workspace)
{
  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), NULL);

  return g_object_new (TW_TYPE_PORTFOLIO, "workspace", workspace, NULL);
}

/** tw_portfolio_get_workspace: Returns: (transfer none) */
TwWorkspace *
tw_portfolio_get_workspace (TwPortfolio *self)
{
  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  return self->workspace;
}

GListModel *
tw_portfolio_get_accounts (TwPortfolio *self)
{
  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  return G_LIST_MODEL (self->accounts);
}

GListModel *
tw_portfolio_get_positions (TwPortfolio *self)
{
  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  return G_LIST_MODEL (self->positions);
}

GListModel *
tw_portfolio_get_orders (TwPortfolio *self)
{
  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  return G_LIST_MODEL (self->orders);
}

TwAccount *
tw_portfolio_lookup_account (TwPortfolio *self,
                             const char  *service_id)
{
  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  return g_hash_table_lookup (self->account_index, service_id);
}

TwPosition *
tw_portfolio_lookup_position (TwPortfolio *self,
                              const char  *service_id,
                              const char  *symbol)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  g_return_val_if_fail (service_id != NULL && symbol != NULL, NULL);

  key = g_strconcat (service_id, ":", symbol, NULL);
  return g_hash_table_lookup (self->position_index, key);
}

TwOrder *
tw_portfolio_lookup_order (TwPortfolio *self,
                           const char  *service_id,
                           const char  *order_id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  g_return_val_if_fail (service_id != NULL && order_id != NULL, NULL);

  key = g_strconcat (service_id, ":", order_id, NULL);
  return g_hash_table_lookup (self->order_index, key);
}

guint
tw_portfolio_get_background_interval (TwPortfolio *self)
{
  g_return_val_if_fail (TW_IS_PORTFOLIO (self), 0);
  return self->background_interval_ms;
}

void
tw_portfolio_set_background_interval (TwPortfolio *self,
                                      guint        interval_ms)
{
  g_return_if_fail (TW_IS_PORTFOLIO (self));

  if (self->background_interval_ms == interval_ms)
    return;
  self->background_interval_ms = interval_ms;
  apply_interval (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND_INTERVAL]);
}

void
tw_portfolio_hold_view (TwPortfolio *self)
{
  g_return_if_fail (TW_IS_PORTFOLIO (self));

  if (self->views++ == 0)
    apply_interval (self);
}

void
tw_portfolio_release_view (TwPortfolio *self)
{
  g_return_if_fail (TW_IS_PORTFOLIO (self));
  g_return_if_fail (self->views > 0);

  if (--self->views == 0)
    apply_interval (self);
}

guint
tw_portfolio_get_poll_interval (TwPortfolio *self)
{
  g_return_val_if_fail (TW_IS_PORTFOLIO (self), 0);
  return poll_interval (self);
}

guint
tw_portfolio_get_stuck_threshold (TwPortfolio *self)
{
  g_return_val_if_fail (TW_IS_PORTFOLIO (self), 0);
  return self->stuck_threshold;
}

void
tw_portfolio_set_stuck_threshold (TwPortfolio *self,
                                  guint        seconds)
{
  g_return_if_fail (TW_IS_PORTFOLIO (self));
  g_return_if_fail (seconds > 0);

  if (self->stuck_threshold == seconds)
    return;
  self->stuck_threshold = seconds;
  _tw_portfolio_update_order_ages (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STUCK_THRESHOLD]);
}

gboolean
tw_portfolio_has_service (TwPortfolio *self,
                          const char  *service_id)
{
  Entry *entry;

  g_return_val_if_fail (TW_IS_PORTFOLIO (self), FALSE);
  g_return_val_if_fail (service_id != NULL, FALSE);

  entry = g_hash_table_lookup (self->entries, service_id);
  if (entry == NULL)
    return FALSE;
  for (guint k = 0; k < N_KINDS; k++)
    if (entry->pollers[k] != NULL)
      return TRUE;
  return FALSE;
}

const char *
tw_portfolio_get_error (TwPortfolio *self,
                        const char  *service_id)
{
  Entry *entry;

  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  entry = g_hash_table_lookup (self->entries, service_id);
  if (entry == NULL)
    return NULL;
  for (guint k = 0; k < N_KINDS; k++)
    if (entry->errors[k] != NULL)
      return entry->errors[k];
  return NULL;
}

GDateTime *
tw_portfolio_get_updated_at (TwPortfolio *self,
                             const char  *service_id)
{
  Entry *entry;

  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  entry = g_hash_table_lookup (self->entries, service_id);
  return entry != NULL ? entry->updated_at : NULL;
}

gint64
tw_portfolio_get_age_seconds (TwPortfolio *self,
                              const char  *service_id)
{
  g_autoptr(GDateTime) now = NULL;
  GDateTime *updated_at;

  g_return_val_if_fail (TW_IS_PORTFOLIO (self), -1);

  updated_at = tw_portfolio_get_updated_at (self, service_id);
  if (updated_at == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  return MAX (0, g_date_time_difference (now, updated_at) / G_USEC_PER_SEC);
}

gboolean
tw_portfolio_get_stale (TwPortfolio *self,
                        const char  *service_id)
{
  Entry *entry;

  g_return_val_if_fail (TW_IS_PORTFOLIO (self), FALSE);
  g_return_val_if_fail (service_id != NULL, FALSE);

  entry = g_hash_table_lookup (self->entries, service_id);
  return entry != NULL && entry->stale;
}

static void
for_each_poller (TwPortfolio *self,
                 const char  *service_id,
                 void       (*func) (TwPoller *poller))
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (service_id != NULL && g_strcmp0 (entry->service_id, service_id) != 0)
        continue;
      for (guint k = 0; k < N_KINDS; k++)
        if (entry->pollers[k] != NULL)
          func (entry->pollers[k]);
    }
}

void
tw_portfolio_start (TwPortfolio *self)
{
  g_return_if_fail (TW_IS_PORTFOLIO (self));

  if (self->running)
    return;
  self->running = TRUE;
  for_each_poller (self, NULL, tw_poller_start);
}

void
tw_portfolio_stop (TwPortfolio *self)
{
  g_return_if_fail (TW_IS_PORTFOLIO (self));

  self->running = FALSE;
  for_each_poller (self, NULL, tw_poller_stop);
}

void
tw_portfolio_refresh (TwPortfolio *self,
                      const char  *service_id)
{
  g_return_if_fail (TW_IS_PORTFOLIO (self));

  for_each_poller (self, service_id, tw_poller_poll_now);
}

gint64
_tw_portfolio_get_last_merge_us (TwPortfolio *self)
{
  return self->last_merge_us;
}

GPtrArray *
_tw_portfolio_list_positions (TwPortfolio *self,
                              const char  *service_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->positions));

  for (guint i = 0; i < n; i++)
    {
      TwPosition *position = g_list_model_get_item (G_LIST_MODEL (self->positions), i);

      if (g_strcmp0 (tw_position_get_service_id (position), service_id) == 0)
        g_ptr_array_add (list, position);
      else
        g_object_unref (position);
    }
  return list;
}
