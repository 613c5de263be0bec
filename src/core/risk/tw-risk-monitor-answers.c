/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

/* The risk monitor's answers: each status answer mapped onto its service's trading
 * state, and the transitions (breaker tripped, warning, reset; halted, resumed) emitted
 * by comparing the state with the one before. */

#include "tw-risk-monitor-internal.h"

#include "tw-clock.h"

static Phase
breaker_phase (TwBreaker *breaker)
{
  if (tw_breaker_is_tripped (breaker))
    return PHASE_TRIPPED;
  if (tw_breaker_get_state (breaker) == TW_BREAKER_HALF_OPEN)
    return PHASE_HALF_OPEN;
  return PHASE_CLOSED;
}

static gboolean
breaker_in_warning (TwBreaker *breaker)
{
  return g_strcmp0 (tw_breaker_get_kind (breaker), "loss") == 0 &&
         tw_breaker_get_limit (breaker) > 0 &&
         tw_breaker_get_fraction (breaker) >= LOSS_WARNING_FRACTION &&
         !tw_breaker_is_tripped (breaker);
}

typedef struct
{
  guint      signal_id;
  TwBreaker *breaker;
} Event;

static void
event_clear (gpointer data)
{
  Event *event = data;

  g_clear_object (&event->breaker);
}

/* Compares the state after an answer with the previous one and emits the transitions:
 * the breakers' first (in the state's order), then halted / resumed. A breaker seen for
 * the first time, and the halted flag before every poller has answered once, only set
 * the baseline. */
void
_tw_risk_monitor_emit_transitions (Entry *entry)
{
  TwRiskMonitor *self = entry->monitor;
  GListModel *breakers = tw_trading_state_get_breakers (entry->state);
  g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (Event));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(TwTradingState) state = g_object_ref (entry->state);
  gboolean all_answered = TRUE;
  guint n = g_list_model_get_n_items (breakers);
  GHashTableIter iter;
  gpointer key;

  g_array_set_clear_func (events, event_clear);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);
      const char *id = tw_breaker_get_id (breaker);
      Snapshot *snap = g_hash_table_lookup (entry->snapshots, id);
      Phase phase = breaker_phase (breaker);
      gboolean warning = breaker_in_warning (breaker);
      Event event = { 0, NULL };

      g_hash_table_add (seen, (gpointer) id);

      if (snap == NULL)
        {
          snap = g_new0 (Snapshot, 1);
          snap->phase = phase;
          snap->warned = warning;
          g_hash_table_insert (entry->snapshots, g_strdup (id), snap);
          continue;
        }

      if (snap->phase == PHASE_CLOSED && phase == PHASE_TRIPPED)
        event.signal_id = _tw_risk_monitor_signals[BREAKER_TRIPPED];
      else if (snap->phase != PHASE_CLOSED && phase == PHASE_CLOSED)
        event.signal_id = _tw_risk_monitor_signals[BREAKER_RESET];
      if (event.signal_id != 0)
        {
          event.breaker = g_object_ref (breaker);
          g_array_append_val (events, event);
        }
      if (warning && !snap->warned)
        {
          Event warn = { _tw_risk_monitor_signals[BREAKER_WARNING], g_object_ref (breaker) };

          g_array_append_val (events, warn);
        }

      snap->phase = phase;
      snap->warned = warning;
    }

  g_hash_table_iter_init (&iter, entry->snapshots);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_hash_table_iter_remove (&iter);

  for (guint i = 0; i < entry->groups->len; i++)
    all_answered &= ((Group *) g_ptr_array_index (entry->groups, i))->answered;

  if (all_answered)
    {
      gboolean halted = tw_trading_state_is_halted (entry->state);

      if (entry->have_halted && halted != entry->halted)
        {
          Event event = { _tw_risk_monitor_signals[halted ? HALTED : RESUMED], NULL };

          g_array_append_val (events, event);
        }
      entry->halted = halted;
      entry->have_halted = TRUE;
    }

  /* Emitted last, on a state kept alive: a handler may refresh, stop or resync. */
  for (guint i = 0; i < events->len; i++)
    {
      Event *event = &g_array_index (events, Event, i);

      if (event->breaker != NULL)
        g_signal_emit (self, event->signal_id, 0, state, event->breaker);
      else
        g_signal_emit (self, event->signal_id, 0, state);
    }
}

gboolean
_tw_risk_monitor_map_answer (Group     *group,
                             JsonNode  *body,
                             GError   **error)
{
  Entry *entry = group->entry;
  g_autoptr(GPtrArray) breakers = NULL;

  for (guint i = 0; i < group->operations->len; i++)
    {
      const TwOperation *op = g_ptr_array_index (group->operations, i);
      g_autoptr(GPtrArray) mapped = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) local_error = NULL;
      TwTradingMode mode;
      JsonNode *selected;

      selected = tw_operation_select (op, body, error);
      if (selected == NULL ||
          !tw_operation_map_object (op, selected, G_OBJECT (entry->state), error))
        return FALSE;

      mode = tw_operation_eval_trading (op, body);
      if (mode != TW_TRADING_UNKNOWN)
        g_object_set (entry->state, "mode", mode, NULL);

      if (tw_operation_map_breakers (op, body, mapped, &local_error))
        {
          if (breakers == NULL)
            breakers = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_extend_and_steal (breakers, g_steal_pointer (&mapped));
        }
      else if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (breakers != NULL)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new ();

      g_clear_pointer (&group->breakers, g_ptr_array_unref);
      group->breakers = g_steal_pointer (&breakers);

      /* The state's breakers are the union of every poller's latest. */
      for (guint i = 0; i < entry->groups->len; i++)
        {
          Group *other = g_ptr_array_index (entry->groups, i);

          if (other->breakers != NULL)
            for (guint j = 0; j < other->breakers->len; j++)
              g_ptr_array_add (all, g_ptr_array_index (other->breakers, j));
        }
      tw_trading_state_merge_breakers (entry->state, all);
    }

  return TRUE;
}

static void
group_answered (Group *group)
{
  group->answered = TRUE;
  if (group->refresh_pending)
    {
      group->refresh_pending = FALSE;
      tw_poller_poll_now (group->poller);
    }
}

void
_tw_risk_monitor_status_succeeded (TwPoller       *poller,
                                   JsonNode       *body,
                                   TwHttpResponse *response,
                                   Group          *group)
{
  Entry *entry = group->entry;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = tw_date_time_new_now_local ();
  guint64 hash = tw_poller_get_body_hash (poller);

  /* Byte for byte the answer this group mapped last, and the state unchanged since (no
   * other group's answer, read-back or action changed a field): mapping it again would
   * set every field to what it already is, and no transition can follow. Another
   * group's answer that changed nothing leaves it as this group's mapping left it:
   * counting mappings instead, a service with two status requests (Alpaca's account
   * and its configurations) mapped both in full on every answer. The breakers are the
   * union of every group's own last ones, kept whoever mapped last. */
  if (hash != 0 && hash == group->mapped_hash
      && group->mapped_at == tw_trading_state_get_changes (entry->state))
    {
      tw_trading_state_set_answered (entry->state, now, NULL);
      group_answered (group);
      return;
    }

  g_object_freeze_notify (G_OBJECT (entry->state));
  if (_tw_risk_monitor_map_answer (group, body, &error))
    {
      tw_trading_state_set_answered (entry->state, now, NULL);
      tw_trading_state_note_cause (entry->state);
      group->mapped_hash = hash;
      group->mapped_at = tw_trading_state_get_changes (entry->state);
    }
  else
    {
      g_object_set (entry->state, "last-error", error->message, NULL);
      group->mapped_hash = 0;
    }
  g_object_thaw_notify (G_OBJECT (entry->state));

  group_answered (group);
  if (error == NULL)
    _tw_risk_monitor_emit_transitions (entry);
}

void
_tw_risk_monitor_status_failed (TwPoller *poller,
                                GError   *error,
                                Group    *group)
{
  group->mapped_hash = 0;
  g_object_set (group->entry->state, "last-error", error->message, NULL);
  group_answered (group);
}

