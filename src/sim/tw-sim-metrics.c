/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-metrics.h"

static void
metrics (TwSimRequest *req)
{
  g_autoptr(JsonNode) entries = tw_sim_log_to_json (_tw_sim_get_log (req->sim),
                                                    req->flavor->name, 0, 0);
  JsonArray *array = json_node_get_array (entries);
  g_autofree char *body = NULL;
  guint errors = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (json_object_get_int_member_with_default (entry, "status", 0) >= 500)
        errors++;
    }
  body = g_strdup_printf ("# HELP investiq_errors_total Requests answered with a server error.\n"
                          "# TYPE investiq_errors_total counter\n"
                          "investiq_errors_total %u\n", errors);
  tw_sim_reply_bytes (req->msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8",
                      body, strlen (body));
}

const TwSimRoute tw_sim_investiq_metrics_routes[] = {
  { "GET", "/metrics", metrics, TRUE },
  { NULL }
};
