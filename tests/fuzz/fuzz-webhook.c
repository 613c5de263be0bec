/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-alerts-service-private.h"
#include "tw-connector-registry.h"
#include "tw-http.h"
#include "tw-json.h"
#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-service.h"
#include "tw-workspace.h"
#include "tw-fuzz.h"

/* Alertmanager's webhook (payload version 4) as the console's receiver takes it, past
 * the HTTP server: the guarded parse and the payload's reading (_tw_am_parse_webhook,
 * what the receiver's worker thread runs), then the alerts service's merge of the
 * alerts into the Alerts page's items (what the receiver's "payload" signal runs), twice,
 * as Alertmanager repeats a group; then every text the page shows of each item. The
 * profile has one Alertmanager, at the address the seeds' externalURL names, so that
 * both ways of naming a webhook's source are taken. */

#define AM_URL "http://127.0.0.1:9093"

static TwConnectorRegistry *registry;
static TwHttp *http;
static TwSecrets *secrets;
static TwProfile *profile;
static TwWorkspace *workspace;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(TwService) am = NULL;

  tw_fuzz_init ();
  registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (registry);
  http = tw_http_new ();
  secrets = tw_secrets_new_memory ();
  profile = tw_profile_new ("fuzz-webhook", TW_MODE_PAPER);
  am = tw_service_new ("am", "prometheus-alertmanager", AM_URL);
  tw_service_set_name (am, "Alertmanager");
  tw_profile_add_service (profile, am);
  workspace = tw_workspace_new (profile, registry, http, secrets);
  return 0;
}

static void
check_item (TwAlertItem *item)
{
  g_autofree char *key = g_strconcat ("am:", tw_alert_item_get_fingerprint (item), NULL);
  g_autofree char *labels = tw_alert_item_format_labels (item);
  g_autofree char *sources = tw_alert_item_format_sources (item);
  g_autofree char *matchers = _tw_alert_item_matchers_json (item);
  g_autoptr(GPtrArray) names = tw_alert_item_list_label_names (item);
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(GError) error = NULL;
  const char *runbook = tw_alert_item_get_runbook_url (item);
  const char *alertname;

  g_assert_cmpint (tw_alert_item_get_source_kind (item), ==, TW_ALERT_SOURCE_ALERTMANAGER);
  g_assert_cmpstr (tw_alert_item_get_key (item), ==, key);
  tw_fuzz_assert_utf8 (tw_alert_item_get_name (item));
  alertname = g_hash_table_lookup (tw_alert_item_get_labels (item), "alertname");
  g_assert_cmpstr (tw_alert_item_get_name (item), ==,
                   alertname != NULL ? alertname : tw_alert_item_get_fingerprint (item));
  g_assert_cmpint (tw_alert_item_get_severity (item), ==,
                   tw_alert_severity_from_label (tw_alert_item_get_severity_label (item)));
  tw_fuzz_assert_utf8 (labels);
  tw_fuzz_assert_utf8 (sources);
  g_assert_cmpuint (tw_alert_item_get_sources (item)->len, >=, 1);
  if (tw_alert_item_get_summary (item) != NULL)
    tw_fuzz_assert_utf8 (tw_alert_item_get_summary (item));
  if (tw_alert_item_get_description (item) != NULL)
    tw_fuzz_assert_utf8 (tw_alert_item_get_description (item));
  if (tw_alert_item_get_generator_url (item) != NULL)
    tw_fuzz_assert_utf8 (tw_alert_item_get_generator_url (item));
  /* Only a web page is ever launched from a payload. */
  g_assert_true (runbook == NULL || g_str_has_prefix (runbook, "https://")
                 || g_str_has_prefix (runbook, "http://"));
  g_assert_nonnull (tw_alert_item_get_starts_at (item));
  g_assert_true (tw_alert_item_is_resolved (item) == (tw_alert_item_get_resolved_at (item) != NULL));
  g_assert_nonnull (tw_alert_state_to_string (tw_alert_item_get_state (item)));

  /* The silence an acknowledgement would create matches exactly the alert's labels,
   * and is JSON the console itself reads back. */
  parsed = tw_json_parse (matchers, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (parsed));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (parsed)), ==, names->len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *external_url = NULL;
  g_autoptr(TwAlertsService) service = NULL;
  GListModel *model;
  guint n_items, n_alerts;

  alerts = _tw_am_parse_webhook ((const char *) data, size, &external_url, &error);
  if (alerts == NULL)
    {
      /* Refused whole, with a message the receiver answers with (400). */
      g_assert_nonnull (error);
      g_assert_null (external_url);
      tw_fuzz_assert_utf8 (error->message);
      return 0;
    }
  g_assert_no_error (error);
  if (external_url != NULL)
    tw_fuzz_assert_utf8 (external_url);

  for (guint i = 0; i < alerts->len; i++)
    {
      TwAmAlertData *alert = g_ptr_array_index (alerts, i);

      g_assert_nonnull (alert->fingerprint);
      g_assert_cmpstr (alert->fingerprint, !=, "");
      tw_fuzz_assert_utf8 (alert->fingerprint);
      g_assert_nonnull (alert->labels);
      g_assert_nonnull (alert->annotations);
      g_assert_nonnull (alert->silenced_by);
      g_assert_cmpuint (alert->silenced_by->len, ==, 0);
      if (alert->ends_at != NULL)
        g_assert_cmpint (g_date_time_get_year (alert->ends_at), >, 1);
    }

  service = tw_alerts_service_new (profile, workspace, secrets, NULL, NULL);
  model = tw_alerts_service_get_model (service);

  _tw_alerts_service_payload_cb (tw_alerts_service_get_receiver (service), alerts,
                                 external_url, service);
  n_items = g_list_model_get_n_items (model);
  g_assert_cmpuint (n_items, <=, alerts->len);
  g_assert_cmpuint (tw_alerts_service_get_n_unacknowledged (service), <=, n_items);

  /* Alertmanager sends a group again at every repeat_interval: nothing new appears. */
  n_alerts = alerts->len;
  _tw_alerts_service_payload_cb (tw_alerts_service_get_receiver (service), alerts,
                                 external_url, service);
  g_assert_cmpuint (alerts->len, ==, n_alerts);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_items);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(TwAlertItem) item = g_list_model_get_item (model, i);

      g_assert_true (tw_alerts_service_lookup (service, tw_alert_item_get_key (item)) == item);
      check_item (item);
      /* A webhook from the profile's Alertmanager is shown as coming from it. */
      if (external_url != NULL && g_ascii_strcasecmp (external_url, AM_URL) == 0)
        g_assert_true (_tw_alert_item_has_source (item, "Alertmanager"));
    }

  return 0;
}
