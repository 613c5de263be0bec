/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "tw-component.h"
#include "tw-enum-types.h"
#include "tw-error.h"
#include "tw-http.h"
#include "tw-service.h"

/* Counts "notify" emissions per property name. */
static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           GHashTable *counts)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static guint
count (GHashTable *counts,
       const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static GHashTable *
watch (gpointer object)
{
  GHashTable *counts = g_hash_table_new (g_str_hash, g_str_equal);

  g_signal_connect (object, "notify", G_CALLBACK (on_notify), counts);
  return counts;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_changes)
{
  (*n_changes)++;
}

static TwComponent *
component (const char *name,
           TwHealth    health,
           const char *status,
           const char *detail,
           double      latency_ms)
{
  return g_object_new (TW_TYPE_COMPONENT,
                       "name", name,
                       "health", health,
                       "status", status,
                       "detail", detail,
                       "latency-ms", latency_ms,
                       NULL);
}

static GPtrArray *
three_components (TwHealth broker_health)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (list, component ("database", TW_HEALTH_OK, "healthy", NULL, 1.2));
  g_ptr_array_add (list, component ("broker", broker_health,
                                    broker_health == TW_HEALTH_OK ? "healthy" : "unhealthy",
                                    "connected to Alpaca (paper)", 35.0));
  g_ptr_array_add (list, component ("redis", TW_HEALTH_OK, "healthy", NULL, 0.4));
  return list;
}

static void
test_component_properties (void)
{
  g_autoptr(TwComponent) c = tw_component_new ("broker");
  g_autoptr(GHashTable) counts = watch (c);

  g_assert_cmpstr (tw_component_get_name (c), ==, "broker");
  g_assert_cmpint (tw_component_get_health (c), ==, TW_HEALTH_UNKNOWN);
  g_assert_cmpfloat (tw_component_get_latency_ms (c), ==, -1.0);
  g_assert_null (tw_component_get_status (c));

  /* The connector mapper sets them by property name. */
  g_object_set (c, "status", "healthy", "detail", "connected", "latency-ms", 35.0,
                "health", TW_HEALTH_OK, NULL);
  g_assert_cmpstr (tw_component_get_status (c), ==, "healthy");
  g_assert_cmpstr (tw_component_get_detail (c), ==, "connected");
  g_assert_cmpfloat (tw_component_get_latency_ms (c), ==, 35.0);
  g_assert_cmpint (tw_component_get_health (c), ==, TW_HEALTH_OK);
  g_assert_cmpuint (count (counts, "status"), ==, 1);
  g_assert_cmpuint (count (counts, "health"), ==, 1);

  /* The same values again: nothing notified. */
  g_object_set (c, "status", "healthy", "detail", "connected", "latency-ms", 35.0,
                "health", TW_HEALTH_OK, NULL);
  g_assert_cmpuint (count (counts, "status"), ==, 1);
  g_assert_cmpuint (count (counts, "detail"), ==, 1);
  g_assert_cmpuint (count (counts, "latency-ms"), ==, 1);
  g_assert_cmpuint (count (counts, "health"), ==, 1);

  g_assert_true (g_type_is_a (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (G_OBJECT_GET_CLASS (c), "health")),
                              TW_TYPE_HEALTH));
  g_signal_handlers_disconnect_by_data (c, counts);
  g_assert_finalize_object (g_steal_pointer (&c));
}

static void
test_service_config (void)
{
  g_autoptr(TwService) service = tw_service_new ("iq", "investiq", "http://127.0.0.1:3000");
  g_autoptr(GHashTable) counts = watch (service);

  g_assert_cmpstr (tw_service_get_id (service), ==, "iq");
  g_assert_cmpstr (tw_service_get_name (service), ==, "iq");
  g_assert_cmpstr (tw_service_get_connector_id (service), ==, "investiq");
  g_assert_cmpstr (tw_service_get_base_url (service), ==, "http://127.0.0.1:3000");
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_UNKNOWN);
  g_assert_cmpfloat (tw_service_get_latency_ms (service), ==, -1.0);
  g_assert_null (tw_service_get_last_success (service));
  g_assert_cmpint (tw_service_get_age_seconds (service), ==, -1);
  g_assert_false (tw_service_get_stale (service));
  g_assert_cmpuint (g_list_model_get_n_items (tw_service_get_components (service)), ==, 0);

  tw_service_set_name (service, "iq");          /* same effective name */
  g_assert_cmpuint (count (counts, "name"), ==, 0);
  tw_service_set_name (service, "InvestIQ");
  g_assert_cmpstr (tw_service_get_name (service), ==, "InvestIQ");
  g_assert_cmpuint (count (counts, "name"), ==, 1);
  tw_service_set_name (service, NULL);          /* back to the id */
  g_assert_cmpstr (tw_service_get_name (service), ==, "iq");
  g_assert_cmpuint (count (counts, "name"), ==, 2);

  tw_service_set_base_url (service, "http://127.0.0.1:3000");
  g_assert_cmpuint (count (counts, "base-url"), ==, 0);
  g_object_set (service, "base-url", "http://127.0.0.1:3001", "version", "2.4.1", NULL);
  g_assert_cmpuint (count (counts, "base-url"), ==, 1);
  g_assert_cmpstr (tw_service_get_version (service), ==, "2.4.1");

  g_signal_handlers_disconnect_by_data (service, counts);
  g_assert_finalize_object (g_steal_pointer (&service));
}

static void
test_service_health_states (void)
{
  g_autoptr(TwService) service = tw_service_new ("s", "investiq", "http://127.0.0.1:1");
  g_autoptr(GPtrArray) ok = three_components (TW_HEALTH_OK);
  g_autoptr(GPtrArray) down = three_components (TW_HEALTH_DOWN);
  g_autoptr(GPtrArray) degraded = three_components (TW_HEALTH_DEGRADED);
  g_autoptr(GPtrArray) ok_again = three_components (TW_HEALTH_OK);

  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 12.0, ok);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_OK);
  g_assert_cmpstr (tw_service_get_status_text (service), ==, "healthy");
  g_assert_cmpfloat (tw_service_get_latency_ms (service), ==, 12.0);
  g_assert_nonnull (tw_service_get_last_success (service));
  g_assert_cmpint (tw_service_get_age_seconds (service), ==, 0);

  /* The body says ok but a component is down or degraded. */
  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 12.0, down);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_DEGRADED);
  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 12.0, degraded);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_DEGRADED);
  /* The same answer again: its components are not read again, and still count. */
  tw_service_apply_health_unchanged (service, 11.0);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_DEGRADED);
  /* Fresh ones: the service keeps the first objects it was given and updates them. */
  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 12.0, ok_again);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_OK);
  tw_service_apply_health_unchanged (service, 11.0);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_OK);
  tw_service_apply_health_unchanged (service, tw_service_get_slow_ms (service) + 1.0);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_DEGRADED);
  tw_service_apply_health_unchanged (service, 11.0);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_OK);

  tw_service_apply_health (service, TW_HEALTH_DEGRADED, "degraded", 12.0, ok);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_DEGRADED);
  tw_service_apply_health (service, TW_HEALTH_DOWN, "unhealthy", 12.0, ok);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_ERROR);
  g_assert_cmpstr (tw_service_get_status_text (service), ==, "unhealthy");

  /* No health rule: it answered, so it is up. NULL status text keeps the mapped one. */
  tw_service_apply_health (service, TW_HEALTH_UNKNOWN, NULL, 3.0, NULL);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_OK);
  g_assert_cmpstr (tw_service_get_status_text (service), ==, "unhealthy");
  g_assert_cmpuint (g_list_model_get_n_items (tw_service_get_components (service)), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&service));
}

static void
test_service_error_states (void)
{
  static const struct {
    GQuark         domain;
    int            code;
    TwServiceState state;
  } cases[] = {
    { 0, TW_ERROR_AUTH,         TW_SERVICE_STATE_AUTH_FAILED },
    { 0, TW_ERROR_FORBIDDEN,    TW_SERVICE_STATE_AUTH_FAILED },
    { 0, TW_ERROR_UNREACHABLE,  TW_SERVICE_STATE_UNREACHABLE },
    { 0, TW_ERROR_TIMEOUT,      TW_SERVICE_STATE_UNREACHABLE },
    { 0, TW_ERROR_SERVER,       TW_SERVICE_STATE_ERROR },
    { 0, TW_ERROR_BAD_RESPONSE, TW_SERVICE_STATE_ERROR },
    { 0, TW_ERROR_SECRET,       TW_SERVICE_STATE_ERROR },
    { 0, TW_ERROR_RATE_LIMITED, TW_SERVICE_STATE_ERROR },
    { 1, G_IO_ERROR_FAILED,     TW_SERVICE_STATE_ERROR },
  };
  g_autoptr(TwService) service = tw_service_new ("s", "investiq", "http://127.0.0.1:1");
  g_autoptr(GPtrArray) ok = three_components (TW_HEALTH_OK);
  GListModel *components = tw_service_get_components (service);
  GDateTime *last_success;
  g_autoptr(TwComponent) first = NULL;

  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 20.0, ok);
  last_success = g_date_time_ref (tw_service_get_last_success (service));
  first = g_list_model_get_item (components, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new (cases[i].domain ? G_IO_ERROR : TW_ERROR, cases[i].code,
                                             "Failure number %u", i);
      g_autofree char *expected = g_strdup_printf ("Failure number %u", i);
      g_autoptr(TwComponent) still = NULL;

      tw_service_apply_error (service, error);
      g_assert_cmpint (tw_service_get_state (service), ==, cases[i].state);
      g_assert_cmpstr (tw_service_get_last_error (service), ==, expected);
      /* Data age keeps growing from the last success; components as of then. */
      g_assert_true (tw_service_get_last_success (service) == last_success);
      g_assert_cmpuint (g_list_model_get_n_items (components), ==, 3);
      still = g_list_model_get_item (components, 0);
      g_assert_true (still == first);
      /* No latency: the last good answer's is not this failed attempt's. */
      g_assert_cmpfloat (tw_service_get_latency_ms (service), ==, -1.0);
      /* The age is that of the last good data, not of the failed attempt. */
      g_assert_cmpint (tw_service_get_age_seconds (service), >=, 0);
    }

  /* Stale stays as the poller said while the service fails; the age keeps growing. */
  tw_service_set_stale (service, TRUE);
  {
    g_autoptr(GError) error = g_error_new_literal (TW_ERROR, TW_ERROR_UNREACHABLE, "still down");

    tw_service_apply_error (service, error);
    g_assert_true (tw_service_get_stale (service));
    g_assert_true (tw_service_get_last_success (service) == last_success);
  }

  /* A success clears the error, and measures the latency again. */
  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 20.0, ok);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_OK);
  g_assert_null (tw_service_get_last_error (service));
  g_assert_false (tw_service_get_stale (service));
  g_assert_true (tw_service_get_last_success (service) != last_success);
  g_assert_cmpfloat (tw_service_get_latency_ms (service), ==, 20.0);

  g_date_time_unref (last_success);
  g_clear_object (&first);
  g_assert_finalize_object (g_steal_pointer (&service));
}

static void
test_service_merge_in_place (void)
{
  g_autoptr(TwService) service = tw_service_new ("s", "investiq", "http://127.0.0.1:1");
  GListModel *components = tw_service_get_components (service);
  g_autoptr(GPtrArray) first = three_components (TW_HEALTH_OK);
  g_autoptr(GPtrArray) second = three_components (TW_HEALTH_DOWN);
  g_autoptr(GPtrArray) third = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TwComponent) db = NULL;
  g_autoptr(TwComponent) broker = NULL;
  g_autoptr(TwComponent) redis = NULL;
  g_autoptr(GHashTable) broker_counts = NULL;
  g_autoptr(GHashTable) db_counts = NULL;
  guint n_changes = 0;

  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 1.0, first);
  g_assert_cmpuint (g_list_model_get_n_items (components), ==, 3);
  db = g_list_model_get_item (components, 0);
  broker = g_list_model_get_item (components, 1);
  redis = g_list_model_get_item (components, 2);
  g_assert_cmpstr (tw_component_get_name (broker), ==, "broker");
  g_assert_cmpfloat (tw_component_get_latency_ms (db), ==, 1.2);

  g_signal_connect (components, "items-changed", G_CALLBACK (on_items_changed), &n_changes);
  broker_counts = watch (broker);
  db_counts = watch (db);

  /* The broker goes down: same objects, only the broker's properties change. */
  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 1.0, second);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (components), ==, 3);
  {
    g_autoptr(TwComponent) a = g_list_model_get_item (components, 0);
    g_autoptr(TwComponent) b = g_list_model_get_item (components, 1);
    g_autoptr(TwComponent) c = g_list_model_get_item (components, 2);

    g_assert_true (a == db);
    g_assert_true (b == broker);
    g_assert_true (c == redis);
    g_assert_true (b != g_ptr_array_index (second, 1));
  }
  g_assert_cmpint (tw_component_get_health (broker), ==, TW_HEALTH_DOWN);
  g_assert_cmpstr (tw_component_get_status (broker), ==, "unhealthy");
  g_assert_cmpuint (count (broker_counts, "health"), ==, 1);
  g_assert_cmpuint (count (broker_counts, "status"), ==, 1);
  g_assert_cmpuint (count (broker_counts, "detail"), ==, 0);
  g_assert_cmpuint (g_hash_table_size (db_counts), ==, 0);
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_DEGRADED);

  /* redis is gone, a scheduler appears: one removal, one append, the others untouched. */
  g_ptr_array_add (third, component ("scheduler", TW_HEALTH_OK, "healthy", NULL, -1));
  g_ptr_array_add (third, component ("broker", TW_HEALTH_OK, "healthy", "connected to Alpaca (paper)", 35.0));
  g_ptr_array_add (third, component ("database", TW_HEALTH_OK, "healthy", NULL, 1.2));
  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 1.0, third);
  g_assert_cmpuint (n_changes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (components), ==, 3);
  {
    g_autoptr(TwComponent) a = g_list_model_get_item (components, 0);
    g_autoptr(TwComponent) b = g_list_model_get_item (components, 1);
    g_autoptr(TwComponent) c = g_list_model_get_item (components, 2);

    g_assert_true (a == db);
    g_assert_true (b == broker);
    g_assert_cmpstr (tw_component_get_name (c), ==, "scheduler");
  }
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_OK);
  g_assert_cmpuint (g_hash_table_size (db_counts), ==, 0);

  g_signal_handlers_disconnect_by_data (broker, broker_counts);
  g_signal_handlers_disconnect_by_data (db, db_counts);
  g_signal_handlers_disconnect_by_data (components, &n_changes);
  g_clear_pointer (&first, g_ptr_array_unref);
  g_clear_pointer (&second, g_ptr_array_unref);
  g_clear_pointer (&third, g_ptr_array_unref);
  g_assert_finalize_object (g_steal_pointer (&redis));
  g_clear_object (&db);
  g_clear_object (&broker);
  g_assert_finalize_object (g_steal_pointer (&service));
}

static void
test_service_no_spurious_notify (void)
{
  g_autoptr(TwService) service = tw_service_new ("s", "investiq", "http://127.0.0.1:1");
  g_autoptr(GPtrArray) ok = three_components (TW_HEALTH_OK);
  g_autoptr(GPtrArray) again = three_components (TW_HEALTH_OK);
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = g_error_new_literal (TW_ERROR, TW_ERROR_UNREACHABLE, "InvestIQ is down");

  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 5.0, ok);
  counts = watch (service);

  /* An identical poll: only last-success moves. */
  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 5.0, again);
  g_assert_cmpuint (count (counts, "last-success"), ==, 1);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 1);

  /* A different latency notifies latency too, nothing else. */
  tw_service_apply_health (service, TW_HEALTH_OK, "healthy", 7.0, again);
  g_assert_cmpuint (count (counts, "latency-ms"), ==, 1);
  g_assert_cmpuint (count (counts, "last-success"), ==, 2);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 2);

  /* The same error twice: state, last-error and the cleared latency notified once. */
  tw_service_apply_error (service, error);
  tw_service_apply_error (service, error);
  g_assert_cmpuint (count (counts, "state"), ==, 1);
  g_assert_cmpuint (count (counts, "last-error"), ==, 1);
  g_assert_cmpuint (count (counts, "latency-ms"), ==, 2);
  g_assert_cmpfloat (tw_service_get_latency_ms (service), ==, -1.0);
  g_assert_cmpuint (count (counts, "last-success"), ==, 2);
  g_assert_cmpuint (count (counts, "components"), ==, 0);

  g_signal_handlers_disconnect_by_data (service, counts);
  g_assert_finalize_object (g_steal_pointer (&service));
}

/* The list shows the median of the last five good answers; a failure empties them. */
static void
test_service_latency_median (void)
{
  g_autoptr(TwService) service = tw_service_new ("s", "investiq", "http://127.0.0.1:1");
  g_autoptr(GHashTable) counts = watch (service);
  g_autoptr(GError) error = g_error_new_literal (TW_ERROR, TW_ERROR_UNREACHABLE, "down");
  const double answers[] = { 10, 30, 20, 100, 100, 100, 100 };
  const double medians[] = { 10, 20, 20, 25, 30, 100, 100 };

  g_assert_cmpfloat (tw_service_get_latency_median_ms (service), ==, -1.0);
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      tw_service_apply_health_unchanged (service, answers[i]);
      g_assert_cmpfloat (tw_service_get_latency_ms (service), ==, answers[i]);
      g_assert_cmpfloat (tw_service_get_latency_median_ms (service), ==, medians[i]);
    }
  /* Notified when it moved only: 10, 20, 25, 30, 100. */
  g_assert_cmpuint (count (counts, "latency-median-ms"), ==, 5);

  tw_service_apply_error (service, error);
  g_assert_cmpfloat (tw_service_get_latency_median_ms (service), ==, -1.0);
  g_assert_cmpuint (count (counts, "latency-median-ms"), ==, 6);
  /* After the failure, the new answers only. */
  tw_service_apply_health (service, TW_HEALTH_OK, NULL, 7.0, NULL);
  g_assert_cmpfloat (tw_service_get_latency_median_ms (service), ==, 7.0);

  g_signal_handlers_disconnect_by_data (service, counts);
  g_assert_finalize_object (g_steal_pointer (&service));
}

static void
test_service_stale (void)
{
  g_autoptr(TwService) service = tw_service_new ("s", "alpaca", "http://127.0.0.1:1");
  g_autoptr(GHashTable) counts = watch (service);

  tw_service_set_stale (service, TRUE);
  tw_service_set_stale (service, TRUE);
  g_assert_true (tw_service_get_stale (service));
  g_assert_cmpuint (count (counts, "stale"), ==, 1);

  g_object_set (service, "stale", FALSE, NULL);
  g_assert_false (tw_service_get_stale (service));
  g_assert_cmpuint (count (counts, "stale"), ==, 2);

  tw_service_set_stale (service, TRUE);
  tw_service_apply_health (service, TW_HEALTH_OK, "ACTIVE", 2.0, NULL);
  g_assert_false (tw_service_get_stale (service));
  g_assert_cmpuint (count (counts, "stale"), ==, 4);

  g_signal_handlers_disconnect_by_data (service, counts);
  g_assert_finalize_object (g_steal_pointer (&service));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(TwHttpResponse) response = NULL;

  g_assert_false (tw_http_send_finish (TW_HTTP (source), result, &response, error));
  g_assert_nonnull (*error);
}

/* A loopback port that nothing listens on (bound, then closed again). */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

/* The core is a static library: its messages come from the app's catalog
 * (gi18n-lib, GETTEXT_PACKAGE) whichever program links it, without a
 * textdomain () call. In German, the Overview's message for a service that
 * refuses connections is German; in C, English. */
static void
test_service_error_translated (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_autofree char *mo = g_build_filename (localedir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo",
                                          NULL);
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwHttpRequest) request = NULL;
  g_autoptr(TwService) service = tw_service_new ("investiq", "investiq", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autofree char *english = NULL;
  const char *message;
  gint64 deadline;

  /* The build makes the catalog; a build without it is a broken build. */
  g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL && setlocale (LC_ALL, "de_DE.utf8") == NULL)
    {
      g_test_skip ("no de_DE.UTF-8 locale on this machine (locale-gen de_DE.UTF-8)");
      return;
    }
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  request = tw_http_request_new ("GET", base_url, "/health");
  tw_http_request_set_service_name (request, "InvestIQ");
  tw_http_request_set_max_retries (request, 0);
  tw_http_send_async (http, request, NULL, on_sent, &error);
  deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  while (error == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, TW_ERROR, TW_ERROR_UNREACHABLE);

  tw_service_apply_error (service, error);
  message = tw_service_get_last_error (service);
  g_test_message ("in German: %s", message);
  g_assert_true (g_str_has_prefix (message, "InvestIQ unter http://127.0.0.1:"));
  g_assert_nonnull (strstr (message, "ist nicht erreichbar: Verbindung abgelehnt."));
  g_assert_nonnull (strstr (message, "Läuft der Dienst, und stimmt die Basis-URL?"));
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_UNREACHABLE);

  /* Back in C: the msgid itself, as every other test reads it. */
  setlocale (LC_ALL, "C");
  english = g_strdup (_("Cannot reach %s at %s: %s. Is the service running and the base URL "
                        "right?"));
  setlocale (LC_ALL, saved);
  g_assert_cmpstr (english, ==,
                   "Cannot reach %s at %s: %s. Is the service running and the base URL right?");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/component/properties", test_component_properties);
  g_test_add_func ("/tw/core/service/config", test_service_config);
  g_test_add_func ("/tw/core/service/health-states", test_service_health_states);
  g_test_add_func ("/tw/core/service/error-states", test_service_error_states);
  g_test_add_func ("/tw/core/service/merge-in-place", test_service_merge_in_place);
  g_test_add_func ("/tw/core/service/no-spurious-notify", test_service_no_spurious_notify);
  g_test_add_func ("/tw/core/service/latency-median", test_service_latency_median);
  g_test_add_func ("/tw/core/service/stale", test_service_stale);
  g_test_add_func ("/tw/core/service/error-translated", test_service_error_translated);

  return g_test_run ();
}
