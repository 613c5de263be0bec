/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tw-connector-registry.h"
#include "tw-portfolio-private.h"

/* 5,000 positions per refresh: the time the merge takes on the main thread (the goal is
 * 16 ms, one frame), the time of the mapping (in a worker thread in the app), and
 * whether a selected row survives. Prints the figures; exits 1 when a goal is missed. */

#define N_POSITIONS 5000
#define N_REFRESHES 30
#define GOAL_US     16000

static guint changes;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  changes++;
}

/* An Alpaca /v2/positions answer: decimals as strings, every 7th a short. */
static gboolean
present (guint i,
         guint refresh)
{
  /* From refresh 10 on, S00110 is gone and S05010 new; from 20, S00120 and S05020. */
  if ((i == 110 && refresh >= 10) || (i == 120 && refresh >= 20))
    return FALSE;
  if (i < N_POSITIONS)
    return TRUE;
  return (i == N_POSITIONS + 10 && refresh >= 10) || (i == N_POSITIONS + 20 && refresh >= 20);
}

static JsonNode *
make_body (guint  refresh,
           GRand *rand)
{
  g_autoptr(GString) json = g_string_new ("[");
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < N_POSITIONS + 21; i++)
    {
      double price = 100 + i % 500 + g_rand_double_range (rand, -1, 1);
      int qty = i % 7 == 0 ? -(int) (i % 50 + 1) : (int) (i % 90 + 1);
      char symbol[16];

      if (!present (i, refresh))
        continue;
      g_snprintf (symbol, sizeof symbol, "S%05u", i);
      g_string_append_printf (json, "%s{\"asset_id\":\"a-%u\",\"symbol\":\"%s\",\"exchange\":\"NASDAQ\","
                              "\"asset_class\":\"us_equity\",\"qty\":\"%d\",\"qty_available\":\"%d\","
                              "\"side\":\"%s\",",
                              json->len > 1 ? "," : "", i, symbol, qty, qty, qty < 0 ? "short" : "long");
      g_string_append_printf (json, "\"avg_entry_price\":\"%s\",", g_ascii_formatd (buf, sizeof buf, "%.2f", 100.0 + i % 500));
      g_string_append_printf (json, "\"current_price\":\"%s\",", g_ascii_formatd (buf, sizeof buf, "%.4f", price));
      g_string_append_printf (json, "\"market_value\":\"%s\",", g_ascii_formatd (buf, sizeof buf, "%.2f", price * qty));
      g_string_append_printf (json, "\"cost_basis\":\"%s\",", g_ascii_formatd (buf, sizeof buf, "%.2f", (100.0 + i % 500) * qty));
      g_string_append_printf (json, "\"unrealized_pl\":\"%s\",", g_ascii_formatd (buf, sizeof buf, "%.2f", (price - 100 - i % 500) * qty));
      g_string_append_printf (json, "\"unrealized_plpc\":\"%s\",", g_ascii_formatd (buf, sizeof buf, "%.6f", (price - 100 - i % 500) / (100 + i % 500)));
      g_string_append_printf (json, "\"unrealized_intraday_pl\":\"%s\",\"unrealized_intraday_plpc\":\"0.001\",", g_ascii_formatd (buf, sizeof buf, "%.2f", price * 0.001 * qty));
      g_string_append_printf (json, "\"lastday_price\":\"%s\",\"change_today\":\"0.0012\"}", g_ascii_formatd (buf, sizeof buf, "%.2f", price - 0.5));
    }
  g_string_append (json, "]");
  return json_from_string (json->str, NULL);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwProfile) profile = tw_profile_new ("bench", TW_MODE_PAPER);
  g_autoptr(TwService) service = tw_service_new ("alpaca", "alpaca", "http://127.0.0.1:9");
  g_autoptr(TwWorkspace) workspace = NULL;
  g_autoptr(TwPortfolio) portfolio = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GArray) merge_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) map_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonNode) sample = NULL;
  g_autofree char *sample_text = NULL;
  gint64 parse_us;
  g_autoptr(TwPosition) selected = NULL;
  const TwOperation *op;
  GListModel *positions;
  guint selected_index = N_POSITIONS / 2;
  gboolean kept = TRUE;
  gint64 median, worst;

  tw_connector_registry_load_default (registry);
  op = tw_connector_get_operation (tw_connector_registry_lookup (registry, "alpaca"), "positions.list");
  g_assert (op != NULL);
  tw_service_set_name (service, "Alpaca");
  tw_profile_add_service (profile, service);
  workspace = tw_workspace_new (profile, registry, http, secrets);
  portfolio = tw_portfolio_new (workspace);
  positions = tw_portfolio_get_positions (portfolio);

  for (guint r = 0; r < N_REFRESHES; r++)
    {
      /* Refreshes 10 and 20 also drop one position (before the selected row) and add one. */
      g_autoptr(JsonNode) body = make_body (r, rand);
      g_autoptr(GPtrArray) items = NULL;
      gint64 start, t;

      start = g_get_monotonic_time ();
      items = tw_operation_map_list (op, body, TW_TYPE_POSITION, NULL);
      g_assert (items != NULL);
      for (guint i = 0; i < items->len; i++)
        g_object_set (g_ptr_array_index (items, i), "service-id", "alpaca", "service-name", "Alpaca", NULL);
      t = g_get_monotonic_time () - start;
      g_array_append_val (map_us, t);

      changes = 0;
      if (r == 1)
        g_signal_connect (positions, "items-changed", G_CALLBACK (on_items_changed), NULL);

      start = g_get_monotonic_time ();
      _tw_portfolio_merge_positions (portfolio, "alpaca", items);
      t = g_get_monotonic_time () - start;
      if (r > 0)
        g_array_append_val (merge_us, t);

      if (r == 0)
        {
          g_assert (g_list_model_get_n_items (positions) == N_POSITIONS);
          selected = g_list_model_get_item (positions, selected_index);
          continue;
        }

      /* The selected object is still there, at its place (shifted by a removal before it). */
      {
        g_autoptr(TwPosition) now = NULL;

        if (r == 10 || r == 20)
          selected_index--;
        now = g_list_model_get_item (positions, selected_index);
        kept &= now == selected;
        kept &= (r == 10 || r == 20) ? changes == 2 : changes == 0;
      }
    }

  /* For reference: parsing the answer's text (TwHttp's part, before the portfolio's). */
  sample = make_body (0, rand);
  sample_text = json_to_string (sample, FALSE);
  parse_us = g_get_monotonic_time ();
  g_clear_pointer (&sample, json_node_unref);
  sample = json_from_string (sample_text, NULL);
  parse_us = g_get_monotonic_time () - parse_us;

  g_array_sort (merge_us, compare_gint64);
  g_array_sort (map_us, compare_gint64);
  median = g_array_index (merge_us, gint64, merge_us->len / 2);
  worst = g_array_index (merge_us, gint64, merge_us->len - 1);

  g_print ("bench-portfolio: %u positions, %u refreshes\n", N_POSITIONS, N_REFRESHES - 1);
  g_print ("  main thread (merge): median %.2f ms, worst %.2f ms (goal %.0f ms)\n",
           median / 1000.0, worst / 1000.0, GOAL_US / 1000.0);
  g_print ("  worker thread (map): median %.2f ms\n",
           g_array_index (map_us, gint64, map_us->len / 2) / 1000.0);
  g_print ("  JSON parse of the %zu-byte answer (TwHttp): %.2f ms\n", strlen (sample_text),
           parse_us / 1000.0);
  g_print ("  selection kept: %s\n", kept ? "yes" : "NO");

  return worst <= GOAL_US && kept ? EXIT_SUCCESS : EXIT_FAILURE;
}
