/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <malloc.h>
#include <math.h>
#include <string.h>

#include "tw-alert-private.h"
#include "tw-error.h"
#include "tw-service-details-fixture.h"
#include "tw-service-details-private.h"

/* Each section of a service page against the simulator: what the connectors map from
 * the runbooks' answers, and the alerts of a failing security check and a model that
 * is not loaded. */

/* Only the sections the connector declares. */
static void
test_sections (Fixture       *fx,
               gconstpointer  data)
{
  static const struct { const char *id; gboolean sections[TW_DETAIL_N_SECTIONS]; } expected[] = {
    /*                   metrics rate   security trades models clock  orders limit-metrics */
    { "investiq",       { FALSE, FALSE, FALSE,   TRUE,  TRUE,  FALSE } },
    { "ibkr-assistant", { TRUE,  FALSE, FALSE,   FALSE, FALSE, FALSE, TRUE } },
    { "ai-trading",     { TRUE,  TRUE,  FALSE,   TRUE,  TRUE,  FALSE, FALSE, TRUE } },
    { "autotrader",     { FALSE, TRUE,  TRUE,    FALSE, FALSE, FALSE } },
    { "alpaca",         { FALSE, FALSE, FALSE,   FALSE, FALSE, TRUE } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(TwServiceDetails) details = details_for (fx, expected[i].id);

      for (guint s = 0; s < TW_DETAIL_N_SECTIONS; s++)
        {
          g_test_message ("%s: %s", expected[i].id, tw_detail_section_get_operation (s));
          g_assert_cmpint (tw_service_details_has_section (details, s), ==, expected[i].sections[s]);
        }
    }
}

static void
count_update (TwServiceDetails *details,
              guint             section,
              guint            *n)
{
  (*n)++;
}

/* 003's Prometheus text: key figures from the families, every sample in the table. */
static void
test_prometheus_metrics (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ibkr-assistant");
  TwDetailItem *figures = tw_service_details_get_figures (details);
  TwDetailItem *row;

  read_all (details);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_METRICS));
  /* the runbook's key figures */
  g_assert_false (isnan (tw_detail_item_get_number (figures, "daily-pnl")));
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "broker-errors"), ==, 2);
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "risk-rejections"), >=, 4);
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "latency-p95"), ==, 0.85);
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "latency-p99"), ==, 1.9);
  g_assert_true (isnan (tw_detail_item_get_number (figures, "sharpe-ratio")));
  /* the rest: samples with their labels, the histogram's estimated quantiles */
  row = find_item (details, TW_DETAIL_METRICS, "ibkr_fill_latency_seconds (p95)");
  g_assert_nonnull (row);
  g_assert_cmpstr (tw_detail_item_get_string (row, "kind"), ==, "histogram");
  g_assert_cmpfloat (tw_detail_item_get_number (row, "value"), >, 0.5);
  g_assert_cmpfloat (tw_detail_item_get_number (row, "value"), <=, 1.0);
  row = find_item (details, TW_DETAIL_METRICS, "ibkr_risk_rejection_total");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (tw_detail_item_get_string (row, "labels"), "rule=\""));
  g_assert_true (tw_detail_item_matches (row, "max_position"));
  g_assert_nonnull (find_item (details, TW_DETAIL_METRICS, "ibkr_fill_latency_seconds_bucket"));

  /* Each read adds to the figures' last hour (the page's sparklines); none for a figure
   * the service does not report. */
  {
    guint n = 0, n_updates = 0;

    g_assert_nonnull (tw_service_details_get_figure_history (details, "latency-p95", &n));
    g_assert_cmpuint (n, ==, 1);
    g_signal_connect (details, "updated", G_CALLBACK (count_update), &n_updates);
    tw_service_details_refresh (details);
    tw_test_wait_until (n_updates >= 2, 10000);
    g_assert_nonnull (tw_service_details_get_figure_history (details, "latency-p95", &n));
    g_assert_cmpuint (n, ==, 2);
    g_assert_null (tw_service_details_get_figure_history (details, "sharpe-ratio", &n));
    g_assert_cmpuint (n, ==, 0);
  }
}

/* The heap in use, every arena. */
static size_t
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

/* A metrics answer applied again and again keeps nothing of the previous ones: the
 * summary of the Prometheus families each read builds is freed with it (it used to keep
 * a reference of its JSON object, and every family's, for the life of the process: the
 * one-hour soak's steady growth, issue 17). */
static void
test_prometheus_memory (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ibkr-assistant");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonNode) root = NULL;
  size_t before, after;

  for (guint i = 0; i < 500; i++)
    g_string_append_printf (text, "# HELP tw_test_family_%u A family.\n"
                            "# TYPE tw_test_family_%u gauge\n"
                            "tw_test_family_%u %u\n", i, i, i, i);
  root = json_node_init_string (json_node_alloc (), text->str);
  /* The first reads fill the table and the figures' history. */
  for (guint i = 0; i < 3; i++)
    _tw_service_details_apply (details, TW_DETAIL_METRICS, root, NULL);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_METRICS));
  g_assert_nonnull (find_item (details, TW_DETAIL_METRICS, "tw_test_family_499"));

  before = heap_in_use ();
  for (guint i = 0; i < 20; i++)
    _tw_service_details_apply (details, TW_DETAIL_METRICS, root, NULL);
  after = heap_in_use ();
  g_test_message ("heap in use %zu → %zu bytes over 20 reads of 500 families", before, after);
  /* The summary kept: about 150 kB a read here; freed: the same table again. */
  g_assert_cmpuint (after, <, before + 1024 * 1024);
}

/* An exposition cut short (the connection closed half-way) is an error the section
 * shows; nothing half-read replaces the last good table. (A cut at a line's middle that
 * reaches the parser: test-prometheus.) */
static void
test_prometheus_truncated (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ibkr-assistant");
  GListModel *items = tw_service_details_get_items (details, TW_DETAIL_METRICS);
  guint n_before;

  read_all (details);
  n_before = g_list_model_get_n_items (items);
  g_assert_cmpuint (n_before, >, 10);

  tw_test_sim_fault (fx->f.sim, "ibkr-assistant",
                     "{\"path\":\"/api/v1/metrics\",\"kind\":\"truncated\"}");
  tw_service_details_refresh (details);
  tw_test_wait_until (tw_service_details_get_error (details, TW_DETAIL_METRICS) != NULL, 10000);
  g_test_message ("%s", tw_service_details_get_error (details, TW_DETAIL_METRICS));
  /* the last good table stays */
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, n_before);
}

/* 001's performance answer, mapped; its trades; its models. */
static void
test_ai_trading (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = NULL;
  TwDetailItem *figures, *model;

  risk_scenario (&fx->f, "{\"name\":\"losing-streak\"}");
  details = details_for (fx, "ai-trading");
  figures = tw_service_details_get_figures (details);
  read_all (details);
  for (guint s = 0; s < TW_DETAIL_N_SECTIONS; s++)
    g_assert_null (tw_service_details_get_error (details, s));

  g_assert_false (isnan (tw_detail_item_get_number (figures, "sharpe-ratio")));
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "win-rate"), >=, 0);
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "total-trades"), >, 0);
  g_assert_nonnull (find_item (details, TW_DETAIL_METRICS, "sharpe_ratio"));

  g_assert_cmpuint (g_list_model_get_n_items (tw_service_details_get_items (details, TW_DETAIL_TRADES)), >, 0);
  {
    g_autoptr(TwDetailItem) trade = g_list_model_get_item (tw_service_details_get_items (details, TW_DETAIL_TRADES), 0);

    g_assert_nonnull (tw_detail_item_get_string (trade, "symbol"));
    g_assert_false (isnan (tw_detail_item_get_number (trade, "pnl")));
    g_assert_nonnull (tw_detail_item_get_string (trade, "time"));
  }

  model = find_item (details, TW_DETAIL_MODELS, "lstm_signal");
  g_assert_nonnull (model);
  g_assert_cmpint (tw_detail_item_get_health (model), ==, TW_HEALTH_OK);
  g_assert_cmpstr (tw_detail_item_get_string (model, "version"), ==, "2.3.1");
  g_assert_false (has_alert (fx, "model:ai-trading:lstm_signal"));

  /* The model unloads: an alert, once, until it is loaded again. */
  tw_test_sim_health (fx->f.sim, "ai-trading", "{\"component\":\"model\",\"status\":\"down\"}");
  tw_service_details_refresh (details);
  tw_test_wait_until (has_alert (fx, "model:ai-trading:lstm_signal"), 10000);
  model = find_item (details, TW_DETAIL_MODELS, "lstm_signal");
  g_assert_cmpint (tw_detail_item_get_health (model), ==, TW_HEALTH_DOWN);
  g_assert_cmpstr (tw_detail_item_get_string (model, "message"), ==, "model file not found");
  g_assert_true (tw_alert_engine_is_active (fx->engine, "model:ai-trading:lstm_signal"));
  tw_test_sim_health (fx->f.sim, "ai-trading", "{\"reset\":true}");
  tw_service_details_refresh (details);
  tw_test_wait_until (!tw_alert_engine_is_active (fx->engine, "model:ai-trading:lstm_signal"), 10000);
  g_assert_cmpuint (fx->alerts->len, ==, 1);
}

/* 004: rate limits near and over 80 %; a failing security check raises its alert once. */
static void
test_autotrader (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "autotrader");
  TwDetailItem *item;
  guint n_alerts;
  guint n_updates = 0;

  read_all (details);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_RATE_LIMITS));
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_SECURITY));

  item = find_item (details, TW_DETAIL_RATE_LIMITS, "coingecko");
  g_assert_nonnull (item);
  g_assert_cmpfloat (tw_detail_item_get_number (item, "limit"), ==, 30);
  g_assert_cmpfloat_with_epsilon (tw_detail_item_get_fraction (item), 22.0 / 30, 1e-9);
  g_assert_nonnull (tw_detail_item_get_string (item, "reset-at"));
  item = find_item (details, TW_DETAIL_RATE_LIMITS, "dexscreener");
  g_assert_cmpfloat (tw_detail_item_get_fraction (item), >, TW_RATE_LIMIT_WARNING);

  item = find_item (details, TW_DETAIL_SECURITY, "api_key_validation");
  g_assert_nonnull (item);
  g_assert_cmpint (tw_detail_item_get_health (item), ==, TW_HEALTH_DOWN);
  g_assert_nonnull (strstr (tw_detail_item_get_string (item, "message"), "GROQ_API_KEY"));
  g_assert_cmpstr (tw_detail_item_get_string (item, "kind"), ==, "high");
  item = find_item (details, TW_DETAIL_SECURITY, "ibkr_fa_scrubbing");
  g_assert_cmpint (tw_detail_item_get_health (item), ==, TW_HEALTH_OK);

  g_assert_true (has_alert (fx, "security:autotrader:api_key_validation"));
  g_assert_false (has_alert (fx, "security:autotrader:ibkr_fa_scrubbing"));
  n_alerts = fx->alerts->len;
  /* Still failing at the next two reads: no second alert. */
  g_signal_connect (details, "updated", G_CALLBACK (count_update), &n_updates);
  tw_service_details_refresh (details);
  tw_test_wait_until (n_updates >= 2, 10000);
  tw_service_details_refresh (details);
  tw_test_wait_until (n_updates >= 4, 10000);
  g_assert_cmpuint (fx->alerts->len, ==, n_alerts);
}

/* Alpaca's clock: open or closed, the next open and close. */
static void
test_clock (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "alpaca");
  TwDetailItem *clock = tw_service_details_get_clock (details);

  read_all (details);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_CLOCK));
  g_assert_cmpint (tw_detail_item_get_health (clock), !=, TW_HEALTH_UNKNOWN);
  g_assert_cmpint (tw_detail_item_get_health (clock), !=, TW_HEALTH_DEGRADED);
  g_assert_nonnull (tw_detail_item_get_string (clock, "next-open"));
  g_assert_nonnull (tw_detail_item_get_string (clock, "next-close"));
}

/* 003: pending orders, one order's detail and its approval. */
static void
test_orders (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ibkr-assistant");
  GListModel *orders = tw_service_details_get_items (details, TW_DETAIL_ORDERS);
  g_autoptr(TwDetailItem) first = NULL;
  TwDetailItem *order;
  guint n_updates = 0;

  read_all (details);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_ORDERS));
  g_assert_cmpuint (g_list_model_get_n_items (orders), >, 0);
  first = g_list_model_get_item (orders, 0);
  g_assert_nonnull (tw_detail_item_get_string (first, "id"));
  g_assert_nonnull (tw_detail_item_get_string (first, "symbol"));
  g_assert_cmpstr (tw_detail_item_get_string (first, "status"), ==, "PENDING");

  g_assert_null (tw_service_details_get_order (details));
  g_signal_connect (details, "updated", G_CALLBACK (count_update), &n_updates);
  tw_service_details_read_order (details, tw_detail_item_get_string (first, "id"));
  tw_test_wait_until (tw_service_details_get_order (details) != NULL, 10000);
  order = tw_service_details_get_order (details);
  g_assert_null (tw_service_details_get_order_error (details));
  g_assert_cmpstr (tw_detail_item_get_string (order, "id"), ==, tw_detail_item_get_string (first, "id"));
  g_assert_cmpstr (tw_detail_item_get_string (order, "symbol"), ==, tw_detail_item_get_string (first, "symbol"));
  g_assert_nonnull (tw_detail_item_get_string (order, "approval-status"));
  g_assert_cmpuint (n_updates, ==, 1);

  /* An order that is gone: the detail says so. */
  tw_service_details_read_order (details, "no-such-order");
  tw_test_wait_until (n_updates == 2, 10000);
  g_test_message ("%s", tw_service_details_get_order_error (details));
  g_assert_nonnull (tw_service_details_get_order_error (details));
}


typedef struct
{
  GListModel *entries;
  GError     *error;
  guint       n_left_out;
  gboolean    done;
} AuditResult;

static void
on_audit (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AuditResult *r = user_data;

  r->entries = tw_service_details_read_audit_finish (TW_SERVICE_DETAILS (source), result,
                                                     &r->n_left_out, &r->error);
  r->done = TRUE;
}

static void
audit_result_clear (AuditResult *r)
{
  g_clear_object (&r->entries);
  g_clear_error (&r->error);
  r->done = FALSE;
  r->n_left_out = 0;
}

static void
read_audit (TwServiceDetails *details,
            const char       *id,
            AuditResult      *r)
{
  audit_result_clear (r);
  tw_service_details_read_audit_async (details, id, NULL, on_audit, r);
  tw_test_wait_until (r->done, 15000);
  if (r->error != NULL)
    g_test_message ("audit trail of %s: %s", id, r->error->message);
}

static TwDetailItem *
audit_entry (AuditResult *r,
             guint        i)
{
  g_autoptr(TwDetailItem) item = g_list_model_get_item (r->entries, i);

  return item;  /* the list holds it */
}

static gboolean
has_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* 003's Verify Resolution, over HTTP against the simulator: an order's audit trail by
 * its correlation id, in time order; a correlation id with none (404); hostile and
 * malformed answers; an answer that does not come in time. */
static void
test_audit_trail (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ibkr-assistant");
  g_autoptr(TwServiceDetails) investiq = details_for (fx, "investiq");
  g_autofree char *huge = NULL;
  g_autofree char *hostile = NULL;
  AuditResult r = { 0 };
  gint64 last = 0;

  g_assert_true (tw_service_details_can_read_audit (details));
  g_assert_false (tw_service_details_can_read_audit (investiq));

  /* The stuck order: created, risk evaluated, approval requested, in that order */
  read_audit (details, "ord-1001", &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.n_left_out, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (r.entries), ==, 3);
  g_assert_cmpstr (tw_detail_item_get_string (audit_entry (&r, 0), "type"), ==, "ProposalCreated");
  g_assert_cmpstr (tw_detail_item_get_string (audit_entry (&r, 1), "type"), ==, "RiskEvaluated");
  g_assert_cmpstr (tw_detail_item_get_string (audit_entry (&r, 2), "type"), ==, "ApprovalRequested");
  g_assert_cmpstr (tw_detail_item_get_string (audit_entry (&r, 0), "id"), ==, "ord-1001");
  /* the details flattened: "symbol: ES, side: BUY, …" */
  g_assert_nonnull (strstr (tw_detail_item_get_string (audit_entry (&r, 0), "message"), "symbol: ES"));
  g_assert_nonnull (strstr (tw_detail_item_get_string (audit_entry (&r, 0), "message"), "limit_price: 5012.25"));
  for (guint i = 0; i < g_list_model_get_n_items (r.entries); i++)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (tw_detail_item_get_string (audit_entry (&r, i), "time"), NULL);

      g_assert_nonnull (when);
      g_assert_cmpint ((g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when)), >=, last);
      last = (g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when));
    }

  /* Invalidating its approval is on the trail at once */
  {
    guint status = 0;
    g_autofree char *answer = tw_test_sim_request_text (fx->f.sim, "ibkr-assistant", "POST",
                                                        "/api/v1/approvals/ord-1001/invalidate",
                                                        "{}", &status);

    g_assert_cmpuint (status, ==, 200);
  }
  read_audit (details, "ord-1001", &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (g_list_model_get_n_items (r.entries), ==, 4);
  g_assert_cmpstr (tw_detail_item_get_string (audit_entry (&r, 3), "type"), ==, "ApprovalInvalidated");

  /* The approved one says who granted it */
  read_audit (details, "ord-1002", &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (tw_detail_item_get_string (audit_entry (&r, 3), "type"), ==, "ApprovalGranted");

  /* No trail for this id: 404, said as such */
  read_audit (details, "order-123", &r);
  g_assert_error (r.error, TW_ERROR, TW_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (r.error->message, "order-123"));
  g_assert_null (r.entries);

  /* A hostile answer: an escape sequence in an event's name, markup and a newline in its
   * details, an entry of another order, entries that are not objects, out of time
   * order, and details of 20,000 characters. Shown safe, the rest left out. */
  huge = g_strnfill (20000, 'A');
  hostile = g_strdup_printf ("[{\"type\": \"OrderFilled\", \"correlation_id\": \"ord-1002\", "
                             "\"timestamp\": \"2026-12-06T07:20:00Z\", \"data\": {\"blob\": \"%s\"}},"
                             " {\"type\": \"Evil\\u001b[31mRed\", \"correlation_id\": \"ord-1002\", "
                             "\"timestamp\": \"2026-12-06T07:10:00Z\", "
                             "\"data\": {\"note\": \"<b>bold</b> &amp; \\nnext line\"}},"
                             " {\"type\": \"Stolen\", \"correlation_id\": \"ord-1001\", "
                             "\"timestamp\": \"2026-12-06T07:15:00Z\", \"data\": {}},"
                             " 42, \"text\", null, [1, 2]]", huge);
  {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    g_autoptr(JsonNode) fault = NULL;
    g_autofree char *json = NULL;

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "path");
    json_builder_add_string_value (b, "/api/v1/audit/correlation_id/ord-1002");
    json_builder_set_member_name (b, "kind");
    json_builder_add_string_value (b, "status");
    json_builder_set_member_name (b, "status");
    json_builder_add_int_value (b, 200);
    json_builder_set_member_name (b, "body");
    json_builder_add_string_value (b, hostile);
    json_builder_set_member_name (b, "count");
    json_builder_add_int_value (b, 1);
    json_builder_end_object (b);
    fault = json_builder_get_root (b);
    json = json_to_string (fault, FALSE);
    tw_test_sim_fault (fx->f.sim, "ibkr-assistant", json);
  }
  read_audit (details, "ord-1002", &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (g_list_model_get_n_items (r.entries), ==, 2);
  g_assert_cmpuint (r.n_left_out, ==, 5);
  /* in time order: 07:10 before 07:20 */
  g_assert_false (has_control_chars (tw_detail_item_get_string (audit_entry (&r, 0), "type")));
  g_assert_cmpstr (tw_detail_item_get_string (audit_entry (&r, 0), "type"), ==, "Evil [31mRed");
  g_assert_cmpstr (tw_detail_item_get_string (audit_entry (&r, 0), "message"), ==, "note: <b>bold</b> &amp;  next line");
  g_assert_cmpstr (tw_detail_item_get_string (audit_entry (&r, 1), "type"), ==, "OrderFilled");
  g_assert_cmpuint (g_utf8_strlen (tw_detail_item_get_string (audit_entry (&r, 1), "message"), -1), ==,
                    TW_AUDIT_TRAIL_MAX_DETAIL);
  g_assert_true (g_str_has_suffix (tw_detail_item_get_string (audit_entry (&r, 1), "message"), "…"));

  /* Not a list at all; not JSON */
  tw_test_sim_fault (fx->f.sim, "ibkr-assistant",
                     "{\"path\":\"/api/v1/audit/correlation_id/ord-1002\",\"kind\":\"status\","
                     "\"status\":200,\"body\":\"{\\\"events\\\": \\\"none\\\"}\",\"count\":1}");
  read_audit (details, "ord-1002", &r);
  g_assert_error (r.error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (r.error->message, "ord-1002"));
  tw_test_sim_fault (fx->f.sim, "ibkr-assistant",
                     "{\"path\":\"/api/v1/audit/correlation_id/ord-1002\",\"kind\":\"malformed\",\"count\":1}");
  read_audit (details, "ord-1002", &r);
  g_assert_error (r.error, TW_ERROR, TW_ERROR_BAD_RESPONSE);

  /* No answer in time */
  {
    TwClient *client = tw_workspace_get_client (fx->f.workspace, "ibkr-assistant");
    guint timeout = tw_client_get_request_timeout (client);

    tw_client_set_request_timeout (client, 300);
    tw_test_sim_fault (fx->f.sim, "ibkr-assistant",
                       "{\"path\":\"/api/v1/audit/correlation_id/ord-1002\",\"kind\":\"latency\","
                       "\"latency_ms\":5000}");
    read_audit (details, "ord-1002", &r);
    g_assert_error (r.error, TW_ERROR, TW_ERROR_TIMEOUT);
    tw_client_set_request_timeout (client, timeout);
    tw_test_sim_clear_faults (fx->f.sim);
  }
  audit_result_clear (&r);
}

static void
count_changed (guint *n_changed)
{
  (*n_changed)++;
}

/* The last hour of health: every answer recorded, older ones dropped. */
static void
test_history (Fixture       *fx,
              gconstpointer  data)
{
  TwService *service = tw_profile_lookup_service (fx->f.profile, "investiq");
  g_autoptr(TwServiceHistory) history = tw_service_history_new (service);
  gint64 now = g_get_real_time ();
  guint n_changed = 0, n_before;

  g_signal_connect_swapped (history, "changed", G_CALLBACK (count_changed), &n_changed);
  tw_service_history_add (history, now - 2 * TW_HISTORY_SPAN_US, 10, TW_SERVICE_STATE_OK);
  tw_service_history_add (history, now - 10 * G_USEC_PER_SEC, 12, TW_SERVICE_STATE_OK);
  tw_service_history_add (history, now, -1, TW_SERVICE_STATE_UNREACHABLE);
  g_assert_cmpuint (tw_service_history_get_n_samples (history), ==, 2);
  g_assert_cmpuint (tw_service_history_count_changes (history), ==, 1);
  g_assert_cmpuint (n_changed, ==, 3);

  tw_workspace_start (fx->f.workspace);
  tw_test_wait_until (tw_service_history_get_n_samples (history) >= 3, 10000);
  g_assert_cmpfloat (tw_service_history_get_sample (history, 2)->latency_ms, >=, 0);
  /* A second answer is recorded too: in a sample of its own or in the last one. */
  n_before = n_changed;
  tw_workspace_refresh (fx->f.workspace);
  tw_test_wait_until (n_changed > n_before, 10000);
  tw_workspace_stop (fx->f.workspace);
}

/* Answers of one 10 s step with one state make one sample, with their worst latency;
 * a change of state or a new step starts another. */
static void
test_history_steps (Fixture       *fx,
                    gconstpointer  data)
{
  TwService *service = tw_profile_lookup_service (fx->f.profile, "investiq");
  g_autoptr(TwServiceHistory) history = tw_service_history_new (service);
  /* The start of a step, a minute ago. */
  gint64 t0 = (g_get_real_time () - 60 * G_USEC_PER_SEC) / TW_HISTORY_STEP_US * TW_HISTORY_STEP_US;
  const TwHealthSample *sample;

  tw_service_history_add (history, t0, 10, TW_SERVICE_STATE_OK);
  tw_service_history_add (history, t0 + 1 * G_USEC_PER_SEC, 30, TW_SERVICE_STATE_OK);
  tw_service_history_add (history, t0 + 2 * G_USEC_PER_SEC, 20, TW_SERVICE_STATE_OK);
  g_assert_cmpuint (tw_service_history_get_n_samples (history), ==, 1);
  sample = tw_service_history_get_sample (history, 0);
  g_assert_cmpint (sample->time_us, ==, t0);
  g_assert_cmpfloat (sample->latency_ms, ==, 30);

  /* Another state in the same step: a sample of its own, then back. */
  tw_service_history_add (history, t0 + 3 * G_USEC_PER_SEC, -1, TW_SERVICE_STATE_UNREACHABLE);
  tw_service_history_add (history, t0 + 4 * G_USEC_PER_SEC, 15, TW_SERVICE_STATE_OK);
  g_assert_cmpuint (tw_service_history_get_n_samples (history), ==, 3);
  g_assert_cmpuint (tw_service_history_count_changes (history), ==, 2);
  g_assert_cmpfloat (tw_service_history_get_sample (history, 1)->latency_ms, ==, -1);

  /* The next step: a new sample even in the same state; then merged again. */
  tw_service_history_add (history, t0 + TW_HISTORY_STEP_US + 1 * G_USEC_PER_SEC, 5, TW_SERVICE_STATE_OK);
  tw_service_history_add (history, t0 + TW_HISTORY_STEP_US + 9 * G_USEC_PER_SEC, 7, TW_SERVICE_STATE_OK);
  g_assert_cmpuint (tw_service_history_get_n_samples (history), ==, 4);
  sample = tw_service_history_get_sample (history, 3);
  g_assert_cmpint (sample->time_us, ==, t0 + TW_HISTORY_STEP_US + 1 * G_USEC_PER_SEC);
  g_assert_cmpfloat (sample->latency_ms, ==, 7);

  /* An hour of answers a second keeps one sample a step. */
  for (gint64 t = t0 + 2 * TW_HISTORY_STEP_US; t < t0 + 2 * TW_HISTORY_STEP_US + TW_HISTORY_SPAN_US;
       t += G_USEC_PER_SEC)
    tw_service_history_add (history, t, 12, TW_SERVICE_STATE_OK);
  g_assert_cmpuint (tw_service_history_get_n_samples (history), <=,
                    TW_HISTORY_SPAN_US / TW_HISTORY_STEP_US + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/tw/core/service-details/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("sections", test_sections);
  ADD ("prometheus-metrics", test_prometheus_metrics);
  ADD ("prometheus-truncated", test_prometheus_truncated);
  ADD ("prometheus-memory", test_prometheus_memory);
  ADD ("ai-trading", test_ai_trading);
  ADD ("autotrader", test_autotrader);
  ADD ("clock", test_clock);
  ADD ("orders", test_orders);
  ADD ("audit-trail", test_audit_trail);
  ADD ("history", test_history);
  ADD ("history-steps", test_history_steps);
#undef ADD

  return g_test_run ();
}
