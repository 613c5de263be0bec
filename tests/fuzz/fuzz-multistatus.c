/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-json.h"
#include "tw-multistatus.h"
#include "tw-fuzz.h"

/* Alpaca's 207 multi-status answer to "close all positions" or "cancel all orders": the
 * guarded parse, the parser, then every text the console shows or records of it. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tw_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(TwMultiStatus) result = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *outcome = NULL;
  g_auto(GStrv) lines = NULL;
  GListModel *items;
  guint n;

  body = tw_json_parse ((const char *) data, size, &error);
  if (body == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }

  result = tw_multi_status_new ("canceled");
  tw_multi_status_set_entry_noun (result, "order");
  tw_multi_status_know (result, "b83a1f2c-7d5e-4f6a-9b1c-2d3e4f5a6b7c", "sell 5 TSLA stop", "held");
  tw_multi_status_know (result, "SPY", "SPY", NULL);
  if (!tw_multi_status_parse (result, body, &error))
    {
      g_assert_nonnull (error);
      g_assert_cmpuint (g_list_model_get_n_items (tw_multi_status_get_items (result)), ==, 0);
      return 0;
    }
  g_assert_no_error (error);

  items = tw_multi_status_get_items (result);
  n = g_list_model_get_n_items (items);
  g_assert_cmpuint (tw_multi_status_get_n_ok (result) + tw_multi_status_get_n_failed (result), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwMultiStatusItem) item = g_list_model_get_item (items, i);
      g_autofree char *reason = tw_multi_status_item_dup_reason (item);
      g_autofree char *line = tw_multi_status_item_dup_result (item);
      g_autofree char *short_id = tw_multi_status_dup_short_id (tw_multi_status_item_get_id (item));

      tw_fuzz_assert_utf8 (tw_multi_status_item_get_label (item));
      tw_fuzz_assert_utf8 (short_id);
      g_assert_true (tw_multi_status_item_get_ok (item) == (reason == NULL));
      g_assert_true (tw_multi_status_item_get_ok (item) == (line == NULL));
    }

  failed = tw_multi_status_dup_failed_ids (result);
  g_assert_cmpuint (failed->len, ==, tw_multi_status_get_n_failed (result));
  summary = tw_multi_status_dup_summary (result);
  lines = tw_multi_status_dup_lines (result);
  outcome = tw_multi_status_dup_outcome (result);
  tw_fuzz_assert_utf8 (summary);
  g_assert_nonnull (lines);
  tw_fuzz_assert_utf8 (outcome);

  return 0;
}
