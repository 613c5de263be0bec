/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-poller.h"
#include "tw-poller-private.h"
#include "tw-services-marshal.h"
#include "tw-poller-internal.h"

#include "tw-clock.h"
#include "tw-error.h"

#define MAX_BACKOFF_MS   60000
/* The poll is the retry loop: one quick retry hides a blip, more would hide an outage. */
#define POLL_MAX_RETRIES 1

G_DEFINE_FINAL_TYPE (TwPoller, tw_poller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_OPERATION,
  PROP_INTERVAL,
  PROP_IN_FLIGHT,
  PROP_CONSECUTIVE_FAILURES,
  PROP_LAST_SUCCESS,
  PROP_STALE,
  N_PROPS
};

enum {
  SUCCEEDED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void finish_once_tasks (TwPoller     *self,
                               const GError *error);


static void
set_in_flight (TwPoller *self,
               gboolean  in_flight)
{
  if (self->in_flight == in_flight)
    return;
  self->in_flight = in_flight;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_FLIGHT]);
}

static void
set_consecutive_failures (TwPoller *self,
                          guint     failures)
{
  if (self->consecutive_failures == failures)
    return;
  self->consecutive_failures = failures;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSECUTIVE_FAILURES]);
}

static void
set_stale (TwPoller *self,
           gboolean  stale)
{
  if (self->stale == stale)
    return;
  self->stale = stale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
}

void
_tw_poller_check_stale (TwPoller *self)
{
  gint64 limit_us = (gint64) self->interval_ms * 1000 * STALE_INTERVALS;

  if (self->reference_us == 0)
    return;
  set_stale (self, g_get_monotonic_time () - self->reference_us > limit_us);
}

static void
schedule (TwPoller *self,
          guint     delay_ms)
{
  self->due_us = 0;
  if (!self->running || self->scheduler == NULL)
    return;
  self->due_us = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  _tw_poller_scheduler_wake (self->scheduler, self);
}

/* interval × 2^(level−1), at most 60 s (or the backoff limit) and never less than the
 * interval, ±10 %. */
static guint
backoff_delay (TwPoller *self)
{
  guint limit = self->backoff_limit_ms > 0 ? self->backoff_limit_ms : MAX_BACKOFF_MS;
  double ceiling = MAX ((double) limit, (double) self->interval_ms);
  double delay = self->interval_ms;
  guint level = MIN (self->backoff_level, 31);

  if (level > 1)
    delay = self->interval_ms * (double) (1u << (level - 1));
  delay = CLAMP (delay, (double) self->interval_ms, ceiling);
  delay *= g_random_double_range (0.9, 1.1);
  delay = CLAMP (delay, (double) self->interval_ms, ceiling);
  return (guint) delay;
}

/* On success the cadence is kept from when the last request was due, so neither
 * a slow answer nor the scheduler's slots stretch it (but requests never overlap). */
static guint
success_delay (TwPoller *self)
{
  gint64 next_us = self->phase_us + (gint64) self->interval_ms * 1000;
  gint64 now = g_get_monotonic_time ();

  if (next_us <= now)
    return 0;
  return (guint) ((next_us - now + 999) / 1000);
}

static gboolean
is_cancellation (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}


/* The answer of the request @self waited for. */
static void
handle_answer (TwPoller       *self,
               JsonNode       *body,
               TwHttpResponse *response,
               guint64         body_hash,
               const GError   *error)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_in_flight (self, FALSE);

  if (body != NULL)
    {
      self->backoff_level = 0;
      self->body_hash = body_hash;
      set_consecutive_failures (self, 0);
      self->reference_us = g_get_monotonic_time ();
      g_clear_pointer (&self->last_success, g_date_time_unref);
      self->last_success = tw_date_time_new_now_local ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
      set_stale (self, FALSE);
      schedule (self, success_delay (self));
      _tw_poller_align_with_share (self);
      g_object_thaw_notify (G_OBJECT (self));

      g_signal_emit (self, signals[SUCCEEDED], 0, body, response);
      finish_once_tasks (self, NULL);
    }
  else if (is_cancellation (error))
    {
      g_object_thaw_notify (G_OBJECT (self));
      finish_once_tasks (self, error);
    }
  else
    {
      self->backoff_level++;
      self->body_hash = 0;
      set_consecutive_failures (self, self->consecutive_failures + 1);
      _tw_poller_check_stale (self);
      schedule (self, backoff_delay (self));
      g_object_thaw_notify (G_OBJECT (self));

      g_signal_emit (self, signals[FAILED], 0, (GError *) error);
      finish_once_tasks (self, error);
    }
}

/* FNV-1a's steps, eight bytes at a time (byte by byte, it was 0.4 % of the console's
 * time polling 200 services), then the length and a final mix: 0 stands for no body.
 * Each step is a bijection of the hash for a given word, so two bodies of one length
 * that differ in a single word never hash alike. */
static guint64
hash_body (TwHttpResponse *response)
{
  GBytes *bytes = response != NULL ? tw_http_response_get_body (response) : NULL;
  const guchar *data;
  gsize size = 0, i = 0;
  guint64 hash = G_GUINT64_CONSTANT (14695981039346656037);
  guint64 word;

  if (bytes == NULL)
    return 0;
  data = g_bytes_get_data (bytes, &size);
  for (; i + sizeof word <= size; i += sizeof word)
    {
      memcpy (&word, data + i, sizeof word);
      hash ^= word;
      hash *= G_GUINT64_CONSTANT (1099511628211);
    }
  for (; i < size; i++)
    {
      hash ^= data[i];
      hash *= G_GUINT64_CONSTANT (1099511628211);
    }
  hash ^= size;
  /* MurmurHash3's finalizer: every bit of the hash depends on every bit of the last word. */
  hash ^= hash >> 33;
  hash *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  hash ^= hash >> 33;
  hash *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  hash ^= hash >> 33;
  return hash != 0 ? hash : 1;
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  guint64 body_hash;

  body = tw_client_call_finish (TW_CLIENT (source), result, &response, &error);
  _tw_poller_request_unshare (request);
  body_hash = body != NULL && response != NULL && tw_http_response_get_status (response) != 0
              ? hash_body (response) : 0;

  /* Every poller still waiting, kept alive while the answer is handed out: the
   * handlers of one may stop (and so drop) another, which then gets nothing. */
  waiters = g_ptr_array_new_full (request->waiters->len, g_object_unref);
  for (guint i = 0; i < request->waiters->len; i++)
    g_ptr_array_add (waiters, g_object_ref (g_ptr_array_index (request->waiters, i)));

  for (guint i = 0; i < waiters->len; i++)
    {
      TwPoller *self = g_ptr_array_index (waiters, i);

      /* Stopped (or stopped and started again) meanwhile: not its answer any more. */
      if (self->request != request)
        continue;
      self->request = NULL;
      g_ptr_array_remove (request->waiters, self);
      handle_answer (self, body, response, body_hash, error);
    }
}

/* Completes the tw_poller_poll_once_async() calls waiting for an answer: after the
 * answer's signal, so their callbacks see what it changed. @error NULL for a success. */
static void
finish_once_tasks (TwPoller     *self,
                   const GError *error)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (self->once_tasks->len == 0)
    return;
  tasks = g_steal_pointer (&self->once_tasks);
  self->once_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

void
_tw_poller_poll_once (TwPoller *self)
{
  Request *request;

  if (self->in_flight)
    return;   /* never two requests at once: this tick is skipped */

  self->last_start_us = g_get_monotonic_time ();
  if (self->phase_us == 0 || self->phase_us > self->last_start_us)
    self->phase_us = self->last_start_us;
  set_in_flight (self, TRUE);

  /* The same request is in flight for another poller: its answer is ours too. */
  if (_tw_poller_join_request (self))
    return;

  request = _tw_poller_request_new (self);
  tw_client_call_full_async (self->client, self->operation, NULL, POLL_MAX_RETRIES,
                             request->cancellable, on_called, request);
}

/* @self no longer waits for its request; the last one out cancels it. */
static void
leave_request (TwPoller *self)
{
  Request *request = g_steal_pointer (&self->request);

  if (request == NULL)
    return;
  g_ptr_array_remove (request->waiters, self);
  if (request->waiters->len == 0)
    {
      _tw_poller_request_unshare (request);
      g_cancellable_cancel (request->cancellable);
    }
}

static void
tw_poller_dispose (GObject *object)
{
  TwPoller *self = TW_POLLER (object);

  tw_poller_stop (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (tw_poller_parent_class)->dispose (object);
}

static void
tw_poller_finalize (GObject *object)
{
  TwPoller *self = TW_POLLER (object);

  g_clear_pointer (&self->operation, g_free);
  g_clear_pointer (&self->share_key, g_free);
  g_clear_pointer (&self->last_success, g_date_time_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->once_tasks, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_poller_parent_class)->finalize (object);
}

static void
tw_poller_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TwPoller *self = TW_POLLER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_OPERATION:
      g_value_set_string (value, self->operation);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval_ms);
      break;
    case PROP_IN_FLIGHT:
      g_value_set_boolean (value, self->in_flight);
      break;
    case PROP_CONSECUTIVE_FAILURES:
      g_value_set_uint (value, self->consecutive_failures);
      break;
    case PROP_LAST_SUCCESS:
      g_value_set_boxed (value, self->last_success);
      break;
    case PROP_STALE:
      g_value_set_boolean (value, self->stale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_poller_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TwPoller *self = TW_POLLER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_OPERATION:
      self->operation = g_value_dup_string (value);
      break;
    case PROP_INTERVAL:
      tw_poller_set_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_poller_class_init (TwPollerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tw_poller_dispose;
  object_class->finalize = tw_poller_finalize;
  object_class->get_property = tw_poller_get_property;
  object_class->set_property = tw_poller_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, TW_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPERATION] =
    g_param_spec_string ("operation", NULL, NULL, "health",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, G_MAXUINT, TW_POLLER_DEFAULT_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                       G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_IN_FLIGHT] =
    g_param_spec_boolean ("in-flight", NULL, NULL, FALSE, ro);
  properties[PROP_CONSECUTIVE_FAILURES] =
    g_param_spec_uint ("consecutive-failures", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LAST_SUCCESS] =
    g_param_spec_boxed ("last-success", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_STALE] =
    g_param_spec_boolean ("stale", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TwPoller::succeeded:
   * @body: the parsed answer
   * @response: what the server answered
   */
  signals[SUCCEEDED] =
    g_signal_new ("succeeded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _tw_services_marshal_VOID__BOXED_BOXED, G_TYPE_NONE, 2,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  TW_TYPE_HTTP_RESPONSE | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[SUCCEEDED], G_TYPE_FROM_CLASS (klass),
                              _tw_services_marshal_VOID__BOXED_BOXEDv);
  /**
   * TwPoller::failed:
   * @error: why the poll failed (never a cancellation)
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tw_poller_init (TwPoller *self)
{
  self->interval_ms = TW_POLLER_DEFAULT_INTERVAL_MS;
  self->once_tasks = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * tw_poller_new:
 * @client: the client called
 * @operation: the operation polled ("health")
 * @interval_ms: the interval between polls while they succeed
 *
 * Returns: (transfer full): a stopped poller
 */
TwPoller *
tw_poller_new (TwClient   *client,
               const char *operation,
               guint       interval_ms)
{
  g_return_val_if_fail (TW_IS_CLIENT (client), NULL);
  g_return_val_if_fail (operation != NULL, NULL);
  g_return_val_if_fail (interval_ms > 0, NULL);

  return g_object_new (TW_TYPE_POLLER,
                       "client", client,
                       "operation", operation,
                       "interval", interval_ms,
                       NULL);
}

/* Pollers of one client whose operations send the same request share it. */
static char *
dup_share_key (TwPoller *self)
{
  const TwOperation *op = tw_connector_get_operation (tw_client_get_connector (self->client),
                                                      self->operation);
  g_autofree char *key = op != NULL ? tw_operation_dup_request_key (op) : NULL;

  return key != NULL ? g_strdup_printf ("%p\n%s", (gpointer) self->client, key) : NULL;
}

static void
start (TwPoller *self,
       guint     delay_ms)
{
  g_clear_pointer (&self->share_key, g_free);
  self->share_key = dup_share_key (self);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->running = TRUE;
  self->backoff_level = 0;
  if (self->last_success == NULL || self->reference_us == 0)
    self->reference_us = g_get_monotonic_time ();

  _tw_poller_scheduler_attach (self);
  self->phase_us = 0;
  if (delay_ms == 0)
    _tw_poller_poll_once (self);
  else
    schedule (self, delay_ms);
  _tw_poller_scheduler_wake (self->scheduler, self);
}

/* Polls at once, then every interval, on the caller's thread-default main context. */
void
tw_poller_start (TwPoller *self)
{
  g_return_if_fail (TW_IS_POLLER (self));

  if (self->running)
    return;
  start (self, 0);
}

/**
 * tw_poller_start_delayed:
 * @delay_ms: when the first poll is made, 0 for at once
 *
 * Starts like tw_poller_start(), but makes the first poll after @delay_ms: what
 * starts many pollers spreads their first polls (and so every later one) over
 * the interval instead of sending them all at once.
 */
void
tw_poller_start_delayed (TwPoller *self,
                         guint     delay_ms)
{
  g_return_if_fail (TW_IS_POLLER (self));

  if (self->running)
    return;
  start (self, delay_ms);
}

/* Stops polling and cancels the request in flight (its answer is dropped). */
void
tw_poller_stop (TwPoller *self)
{
  g_return_if_fail (TW_IS_POLLER (self));

  self->running = FALSE;
  _tw_poller_scheduler_detach (self);

  leave_request (self);
  set_in_flight (self, FALSE);

  if (self->once_tasks->len > 0)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "The poll was stopped before its answer");

      finish_once_tasks (self, error);
    }
}

void
tw_poller_poll_now (TwPoller *self)
{
  g_return_if_fail (TW_IS_POLLER (self));

  self->backoff_level = 0;
  if (!self->running || self->in_flight)
    return;

  self->due_us = 0;
  self->phase_us = 0;
  _tw_poller_poll_once (self);
}

/**
 * tw_poller_poll_once_async:
 *
 * One poll, whether the poller runs or not (a stopped poller sends this one request and
 * schedules nothing after it): the command line's single round. When a request is in
 * flight its answer is the one waited for. Finishes after the answer's "succeeded" or
 * "failed" was emitted, so what maps answers (workspace, risk monitor) has seen it.
 */
void
tw_poller_poll_once_async (TwPoller            *self,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TW_IS_POLLER (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, tw_poller_poll_once_async);
  g_ptr_array_add (self->once_tasks, task);

  if (self->in_flight)
    return;
  self->backoff_level = 0;
  self->due_us = 0;
  self->phase_us = 0;
  _tw_poller_poll_once (self);
}

/* TRUE when the service answered; the poll's error otherwise (G_IO_ERROR_CANCELLED when
 * the poller was stopped first). */
gboolean
tw_poller_poll_once_finish (TwPoller      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (TW_IS_POLLER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tw_poller_set_interval (TwPoller *self,
                        guint     interval_ms)
{
  g_return_if_fail (TW_IS_POLLER (self));
  g_return_if_fail (interval_ms > 0);

  if (self->interval_ms == interval_ms)
    return;
  self->interval_ms = interval_ms;

  if (self->running)
    {
      /* The next poll follows the new interval (unless one is in flight, or the
       * first poll of a delayed start is still to come). */
      if (self->due_us != 0 && self->last_start_us != 0)
        schedule (self, self->backoff_level > 0 ? backoff_delay (self) : success_delay (self));
      _tw_poller_check_stale (self);
      _tw_poller_scheduler_wake (self->scheduler, self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

void
tw_poller_set_backoff_limit (TwPoller *self,
                             guint     limit_ms)
{
  g_return_if_fail (TW_IS_POLLER (self));

  self->backoff_limit_ms = limit_ms;
}

guint
tw_poller_get_backoff_limit (TwPoller *self)
{
  g_return_val_if_fail (TW_IS_POLLER (self), 0);

  return self->backoff_limit_ms > 0 ? self->backoff_limit_ms : MAX_BACKOFF_MS;
}

gboolean
tw_poller_get_in_flight (TwPoller *self)
{
  g_return_val_if_fail (TW_IS_POLLER (self), FALSE);

  return self->in_flight;
}

guint
tw_poller_get_consecutive_failures (TwPoller *self)
{
  g_return_val_if_fail (TW_IS_POLLER (self), 0);

  return self->consecutive_failures;
}

/**
 * tw_poller_get_last_success:
 *
 * Returns: (transfer none) (nullable): when the last poll succeeded
 */
GDateTime *
tw_poller_get_last_success (TwPoller *self)
{
  g_return_val_if_fail (TW_IS_POLLER (self), NULL);

  return self->last_success;
}

guint64
tw_poller_get_body_hash (TwPoller *self)
{
  g_return_val_if_fail (TW_IS_POLLER (self), 0);

  return self->body_hash;
}

gboolean
tw_poller_get_stale (TwPoller *self)
{
  g_return_val_if_fail (TW_IS_POLLER (self), FALSE);

  return self->stale;
}

/**
 * tw_poller_get_client:
 *
 * Returns: (transfer none): the client
 */
TwClient *
tw_poller_get_client (TwPoller *self)
{
  g_return_val_if_fail (TW_IS_POLLER (self), NULL);

  return self->client;
}
