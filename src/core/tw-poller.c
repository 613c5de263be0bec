/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-poller.h"

#include "tw-error.h"

#define MAX_BACKOFF_MS   60000
#define STALE_INTERVALS  3
#define STALE_CHECK_MS   1000
/* The poll is the retry loop: one quick retry hides a blip, more would hide an outage. */
#define POLL_MAX_RETRIES 1

struct _TwPoller
{
  GObject       parent_instance;

  TwClient     *client;
  char         *operation;
  guint         interval_ms;

  GMainContext *context;       /* thread-default context at start */
  GSource      *tick_source;   /* the next poll */
  GSource      *stale_source;  /* the periodic stale check */
  GCancellable *cancellable;   /* of the request in flight, NULL when none */

  gboolean      running;
  gboolean      in_flight;
  guint         consecutive_failures;
  guint         backoff_level;  /* failures since the last success or poll_now */
  gint64        last_start_us;  /* monotonic */
  gint64        reference_us;   /* monotonic: last success, else start */
  GDateTime    *last_success;
  gboolean      stale;
};

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

static void poll_once (TwPoller *self);

/* What a request in flight knows of its poller: it does not keep it alive. */
typedef struct
{
  GWeakRef      poller;
  GCancellable *cancellable;
} Request;

static void
request_free (Request *request)
{
  g_weak_ref_clear (&request->poller);
  g_clear_object (&request->cancellable);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static GSource *
add_timeout (TwPoller    *self,
             guint        delay_ms,
             GSourceFunc  func,
             const char  *name)
{
  GSource *source = g_timeout_source_new (delay_ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_set_static_name (source, name);
  g_source_attach (source, self->context);
  return source;
}

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

static void
check_stale (TwPoller *self)
{
  gint64 limit_us = (gint64) self->interval_ms * 1000 * STALE_INTERVALS;

  if (self->reference_us == 0)
    return;
  set_stale (self, g_get_monotonic_time () - self->reference_us > limit_us);
}

static gboolean
on_stale_check (gpointer user_data)
{
  check_stale (TW_POLLER (user_data));
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer user_data)
{
  TwPoller *self = TW_POLLER (user_data);

  g_clear_pointer (&self->tick_source, g_source_unref);
  poll_once (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (TwPoller *self,
          guint     delay_ms)
{
  clear_source (&self->tick_source);
  if (self->running)
    self->tick_source = add_timeout (self, delay_ms, on_tick, "[tw] poller tick");
}

/* interval × 2^(level−1), at most 60 s and never less than the interval, ±10 %. */
static guint
backoff_delay (TwPoller *self)
{
  double ceiling = MAX ((double) MAX_BACKOFF_MS, (double) self->interval_ms);
  double delay = self->interval_ms;
  guint level = MIN (self->backoff_level, 31);

  if (level > 1)
    delay = self->interval_ms * (double) (1u << (level - 1));
  delay = CLAMP (delay, (double) self->interval_ms, ceiling);
  delay *= g_random_double_range (0.9, 1.1);
  delay = CLAMP (delay, (double) self->interval_ms, ceiling);
  return (guint) delay;
}

/* On success the cadence is kept from the start of the last request, so a slow
 * answer does not stretch it (but requests never overlap). */
static guint
success_delay (TwPoller *self)
{
  gint64 since_start_ms = (g_get_monotonic_time () - self->last_start_us) / 1000;

  if (since_start_ms >= self->interval_ms)
    return 0;
  return self->interval_ms - (guint) since_start_ms;
}

static gboolean
is_cancellation (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, TW_ERROR, TW_ERROR_CANCELLED);
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(TwPoller) self = g_weak_ref_get (&request->poller);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  body = tw_client_call_finish (TW_CLIENT (source), result, &response, &error);

  /* Finalized, stopped, or an older request: nobody waits for this answer. */
  if (self == NULL || self->cancellable != request->cancellable)
    return;

  g_clear_object (&self->cancellable);

  g_object_freeze_notify (G_OBJECT (self));
  set_in_flight (self, FALSE);

  if (body != NULL)
    {
      self->backoff_level = 0;
      set_consecutive_failures (self, 0);
      self->reference_us = g_get_monotonic_time ();
      g_clear_pointer (&self->last_success, g_date_time_unref);
      self->last_success = g_date_time_new_now_local ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
      set_stale (self, FALSE);
      schedule (self, success_delay (self));
      g_object_thaw_notify (G_OBJECT (self));

      g_signal_emit (self, signals[SUCCEEDED], 0, body, response);
    }
  else if (is_cancellation (error))
    {
      g_object_thaw_notify (G_OBJECT (self));
    }
  else
    {
      self->backoff_level++;
      set_consecutive_failures (self, self->consecutive_failures + 1);
      check_stale (self);
      schedule (self, backoff_delay (self));
      g_object_thaw_notify (G_OBJECT (self));

      g_signal_emit (self, signals[FAILED], 0, error);
    }
}

static void
poll_once (TwPoller *self)
{
  Request *request;

  if (self->in_flight)
    return;   /* never two requests at once: this tick is skipped */

  self->cancellable = g_cancellable_new ();
  self->last_start_us = g_get_monotonic_time ();
  set_in_flight (self, TRUE);

  request = g_new0 (Request, 1);
  g_weak_ref_init (&request->poller, self);
  request->cancellable = g_object_ref (self->cancellable);

  tw_client_call_full_async (self->client, self->operation, NULL, POLL_MAX_RETRIES,
                             self->cancellable, on_called, request);
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
  g_clear_pointer (&self->last_success, g_date_time_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

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
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  JSON_TYPE_NODE, TW_TYPE_HTTP_RESPONSE);
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

/* Polls at once, then every interval, on the caller's thread-default main context. */
void
tw_poller_start (TwPoller *self)
{
  g_return_if_fail (TW_IS_POLLER (self));

  if (self->running)
    return;

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->running = TRUE;
  self->backoff_level = 0;
  if (self->last_success == NULL || self->reference_us == 0)
    self->reference_us = g_get_monotonic_time ();

  self->stale_source = add_timeout (self, MIN (STALE_CHECK_MS, self->interval_ms),
                                    on_stale_check, "[tw] poller stale check");
  poll_once (self);
}

/* Stops polling and cancels the request in flight (its answer is dropped). */
void
tw_poller_stop (TwPoller *self)
{
  g_return_if_fail (TW_IS_POLLER (self));

  self->running = FALSE;
  clear_source (&self->tick_source);
  clear_source (&self->stale_source);

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  set_in_flight (self, FALSE);
}

void
tw_poller_poll_now (TwPoller *self)
{
  g_return_if_fail (TW_IS_POLLER (self));

  self->backoff_level = 0;
  if (!self->running || self->in_flight)
    return;

  clear_source (&self->tick_source);
  poll_once (self);
}

guint
tw_poller_get_interval (TwPoller *self)
{
  g_return_val_if_fail (TW_IS_POLLER (self), 0);

  return self->interval_ms;
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
      clear_source (&self->stale_source);
      self->stale_source = add_timeout (self, MIN (STALE_CHECK_MS, self->interval_ms),
                                        on_stale_check, "[tw] poller stale check");
      /* The next poll follows the new interval (unless one is in flight). */
      if (self->tick_source != NULL)
        schedule (self, self->backoff_level > 0 ? backoff_delay (self) : success_delay (self));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
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
