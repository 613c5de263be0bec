/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-positions-page.h"

#include <glib/gi18n.h>

#include "tw-market-clock.h"
#include "tw-positions-page-private.h"
#include "tw-trading-cells.h"
#include "tw-narrow.h"
#include "tw-trading-format.h"
#include "tw-ui-util.h"

/* Under the cards, as in the template. */
#define ACCOUNTS_MARGIN_BOTTOM 4

static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwPositionsPage, tw_positions_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))

enum {
  ACTION_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *position_lines (gpointer  item,
                             guint     line,
                             gboolean *warning);

static const TwCellColumn columns[] = {
  /* First: what a narrow table shows instead of the columns after it but P/L. */
  /* Translators: a position in a narrow table: its symbol, side and quantity on one
   * line, its service under them */
  { "position", N_("Position"), "symbol", TW_CELL_LINES, NULL, NULL, TRUE, 0, position_lines },
  { "service", N_("Service"), "service-name", TW_CELL_TEXT, NULL, NULL, FALSE },
  { "symbol", N_("Symbol"), "symbol", TW_CELL_TEXT, NULL, NULL, FALSE },
  { "side", N_("Side"), "side", TW_CELL_BROKER_WORD, NULL, NULL, FALSE },
  { "qty", N_("Qty"), "qty", TW_CELL_QTY, NULL, NULL, FALSE },
  { "avg-entry", N_("Avg. Entry"), "avg-entry-price", TW_CELL_MONEY, NULL, NULL, FALSE },
  { "price", N_("Price"), "current-price", TW_CELL_MONEY, NULL, NULL, FALSE },
  { "market-value", N_("Market Value"), "market-value", TW_CELL_MONEY, NULL, NULL, FALSE },
  { "pl", N_("Unrealized P/L"), "unrealized-pl", TW_CELL_PL, NULL, NULL, FALSE },
  { "pl-percent", N_("P/L %"), "unrealized-plpc", TW_CELL_PL_FRACTION, NULL, NULL, FALSE },
  { "intraday-pl", N_("Intraday P/L"), "unrealized-intraday-pl", TW_CELL_PL, NULL, NULL, FALSE },
  /* Translators: the button closing one position; the tooltip names the symbol */
  { "actions", N_("Close…"), NULL, TW_CELL_BUTTON, "positions.close", N_("Close position"), FALSE },
};

static char *
column_text (const char *id,
             gpointer    item)
{
  return tw_trading_columns_format (columns, G_N_ELEMENTS (columns), id, item);
}

/* A narrow table's position: "AAPL · Long 50", then "Alpaca (paper)" (what the columns it
 * stands for say); its unrealized P/L stays a column of its own, in its colour. */
static char *
position_lines (gpointer  item,
                guint     line,
                gboolean *warning)
{
  *warning = FALSE;
  if (line == 0)
    {
      g_autofree char *symbol = column_text ("symbol", item);
      g_autofree char *side = column_text ("side", item);
      g_autofree char *qty = column_text ("qty", item);

      /* Translators: a position's symbol, side and quantity, e.g. "AAPL · Long 50" */
      return g_strdup_printf (_("%s · %s %s"), symbol, side, qty);
    }
  return column_text ("service", item);
}

/* ---- totals, age, mode ---- */

/* Services that reach one broker account (InvestIQ trading through the same Alpaca
 * account as the Alpaca service): an account number or id in common. Returns service id
 * → the id of the group's first service; @shared gets one line per account reached by
 * more than one service. */
/* Accounts by the place of their service in the profile (unknown ones last, stable). */
static int
compare_profile_order (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  GHashTable *order = user_data;
  guint ia = GPOINTER_TO_UINT (g_hash_table_lookup (order, tw_account_get_service_id (*(TwAccount **) a)));
  guint ib = GPOINTER_TO_UINT (g_hash_table_lookup (order, tw_account_get_service_id (*(TwAccount **) b)));

  ia = ia == 0 ? G_MAXUINT : ia;
  ib = ib == 0 ? G_MAXUINT : ib;
  return (ia > ib) - (ia < ib);
}

static GHashTable *
group_accounts (TwPositionsPage *self,
                GString         *shared)
{
  GHashTable *groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_identifier = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) reps = g_ptr_array_new ();
  GListModel *accounts = self->portfolio != NULL ? tw_portfolio_get_accounts (self->portfolio) : NULL;
  guint n = accounts != NULL ? g_list_model_get_n_items (accounts) : 0;
  g_autoptr(GPtrArray) ordered = g_ptr_array_new_full (n, g_object_unref);
  g_autoptr(GHashTable) order = g_hash_table_new (g_str_hash, g_str_equal);
  TwWorkspace *workspace = self->portfolio != NULL ? tw_portfolio_get_workspace (self->portfolio) : NULL;
  GListModel *services = workspace != NULL ? tw_workspace_get_services (workspace) : NULL;

  /* In the profile's order of services, not the order their first answers came in. */
  for (guint i = 0; services != NULL && i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      g_hash_table_insert (order, (gpointer) tw_service_get_id (service), GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (ordered, g_list_model_get_item (accounts, i));
  g_ptr_array_sort_with_data (ordered, compare_profile_order, order);

  for (guint i = 0; i < n; i++)
    {
      TwAccount *account = g_ptr_array_index (ordered, i);
      const char *identifiers[] = { tw_account_get_account_number (account),
                                    tw_account_get_account_id (account) };
      const char *service_id = tw_account_get_service_id (account);
      const char *rep = NULL;
      GPtrArray *group;

      for (guint k = 0; k < G_N_ELEMENTS (identifiers) && rep == NULL; k++)
        if (identifiers[k] != NULL && *identifiers[k] != '\0')
          rep = g_hash_table_lookup (by_identifier, identifiers[k]);
      if (rep == NULL)
        rep = service_id;
      for (guint k = 0; k < G_N_ELEMENTS (identifiers); k++)
        if (identifiers[k] != NULL && *identifiers[k] != '\0')
          g_hash_table_insert (by_identifier, (gpointer) identifiers[k], (gpointer) rep);
      g_hash_table_insert (groups, (gpointer) service_id, (gpointer) rep);
      group = g_hash_table_lookup (names, rep);
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (names, (gpointer) rep, group);
          g_ptr_array_add (reps, (gpointer) rep);
        }
      g_ptr_array_add (group, (gpointer) (tw_account_get_service_name (account) != NULL
                                          ? tw_account_get_service_name (account) : service_id));
    }

  for (guint i = 0; shared != NULL && i < reps->len; i++)
    {
      const char *rep = g_ptr_array_index (reps, i);
      GPtrArray *group = g_hash_table_lookup (names, rep);
      g_autofree char *joined = NULL;

      if (group->len < 2)
        continue;
      g_ptr_array_add (group, NULL);
      /* Translators: the names of services joined in a list, e.g. "InvestIQ, Alpaca" */
      joined = g_strjoinv (_(", "), (char **) group->pdata);
      if (shared->len > 0)
        g_string_append_c (shared, '\n');
      /* Translators: %s is a list of services' names */
      g_string_append_printf (shared, _("%s reach one broker account: its positions are listed under each service and counted once in the totals"),
                              joined);
    }
  return groups;
}

static void
update_totals (TwPositionsPage *self)
{
  GListModel *shown = gtk_filter_list_model_get_model (self->filter_model) != NULL
                      && (gtk_string_filter_get_search (self->symbol_filter) == NULL
                          || *gtk_string_filter_get_search (self->symbol_filter) == '\0')
                      ? gtk_filter_list_model_get_model (self->filter_model)
                      : G_LIST_MODEL (self->filter_model);
  GListModel *all = self->portfolio != NULL ? tw_portfolio_get_positions (self->portfolio) : NULL;
  g_autoptr(GString) shared = g_string_new (NULL);
  g_autoptr(GHashTable) groups = group_accounts (self, shared);
  g_autoptr(GHashTable) counted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = g_list_model_get_n_items (shown);
  guint n_positions = 0, total = 0;
  double value = 0, pl = 0;
  g_autofree char *count = NULL;
  g_autofree char *value_text = NULL;
  g_autofree char *value_line = NULL;
  g_autofree char *pl_text = NULL;

  /* A position of one account seen through two services is one position. */
  for (guint i = 0; all != NULL && i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(TwPosition) position = g_list_model_get_item (all, i);
      const char *service_id = tw_position_get_service_id (position);
      const char *rep = g_hash_table_lookup (groups, service_id);
      g_autofree char *key = g_strdup_printf ("%s\x1f%s", rep != NULL ? rep : service_id,
                                              tw_position_get_symbol (position));

      if (g_hash_table_add (counted, g_steal_pointer (&key)))
        total++;
    }
  g_hash_table_remove_all (counted);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwPosition) position = g_list_model_get_item (shown, i);
      const char *service_id = tw_position_get_service_id (position);
      const char *rep = g_hash_table_lookup (groups, service_id);
      g_autofree char *key = g_strdup_printf ("%s\x1f%s", rep != NULL ? rep : service_id,
                                              tw_position_get_symbol (position));

      if (!g_hash_table_add (counted, g_steal_pointer (&key)))
        continue;
      n_positions++;
      value += tw_position_get_market_value (position);
      pl += tw_position_get_unrealized_pl (position);
    }

  if (n_positions == total)
    count = g_strdup_printf (ngettext ("%u position", "%u positions", n_positions), n_positions);
  else
    /* Translators: totals of the rows the symbol filter shows, e.g. "2 of 6 positions (filtered)" */
    count = g_strdup_printf (ngettext ("%u of %u position (filtered)", "%u of %u positions (filtered)", total),
                             n_positions, total);
  gtk_label_set_text (self->shared_label, shared->str);
  gtk_widget_set_visible (GTK_WIDGET (self->shared_label), shared->len > 0);

  value_text = tw_trading_format_money (value);
  /* Translators: the total market value in the totals row */
  value_line = g_strdup_printf (_("Market value %s"), value_text);
  pl_text = tw_trading_format_signed_money (pl);

  gtk_label_set_text (self->count_label, count);
  gtk_label_set_text (self->total_value_label, value_line);
  tw_trading_show_pl (self->total_pl_image, self->total_pl_label, pl, pl_text);

  g_free (self->totals_text);
  /* Translators: the totals row as one line: count, market value, unrealized P/L */
  self->totals_text = g_strdup_printf (_("%s · %s · unrealized P/L %s"), count, value_line, pl_text);
}

static void
update_mode (TwPositionsPage *self)
{
  GListModel *accounts = self->portfolio != NULL ? tw_portfolio_get_accounts (self->portfolio) : NULL;
  guint n = accounts != NULL ? g_list_model_get_n_items (accounts) : 0;
  gboolean any_paper = FALSE, any_live = FALSE;
  const char *text;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwAccount) account = g_list_model_get_item (accounts, i);

      if (tw_account_get_paper (account))
        any_paper = TRUE;
      else
        any_live = TRUE;
    }
  if (n == 0 && self->portfolio != NULL)
    {
      TwProfile *profile = tw_workspace_get_profile (tw_portfolio_get_workspace (self->portfolio));

      any_paper = tw_profile_get_mode (profile) == TW_MODE_PAPER;
      any_live = !any_paper;
    }
  if (any_paper && any_live)
    text = _("PAPER and LIVE");
  else if (any_live)
    text = _("LIVE");
  else if (any_paper)
    text = _("PAPER");
  else
    text = "";
  gtk_label_set_text (self->mode_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->mode_label), *text != '\0');
  tw_ui_set_status_style (GTK_WIDGET (self->mode_label), NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->mode_label), any_live ? "paper" : "live");
  gtk_widget_add_css_class (GTK_WIDGET (self->mode_label), any_live ? "live" : "paper");
}

static void
update_age (TwPositionsPage *self)
{
  TwWorkspace *workspace;
  gboolean stale = FALSE, any = FALSE;

  if (self->portfolio == NULL)
    return;
  workspace = tw_portfolio_get_workspace (self->portfolio);

  /* Each card its own service's age: one walk of the cards, not one per service. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      const char *id;
      gboolean card_stale;
      g_autofree char *card_age = NULL;

      if (!TW_IS_ACCOUNT_CARD (card))
        continue;
      id = tw_account_get_service_id (tw_account_card_get_account (TW_ACCOUNT_CARD (card)));
      card_stale = tw_portfolio_get_stale (self->portfolio, id);
      card_age = tw_ui_format_age (tw_portfolio_get_age_seconds (self->portfolio, id), card_stale);
      tw_account_card_set_state (TW_ACCOUNT_CARD (card), card_age, card_stale,
                                 tw_portfolio_get_error (self->portfolio, id));
      tw_account_card_set_profile_mode (TW_ACCOUNT_CARD (card),
                                        tw_profile_get_mode (tw_workspace_get_profile (workspace)));
    }

  tw_trading_show_age (self->age_label, GTK_WIDGET (self->stale_image), self->portfolio, &stale, &any);
  gtk_stack_set_visible_child_name (self->stack, any ? "positions" : "empty");
  self->stale = stale;
}

/* Every poll answer changes a service's age: the page brings its age, mode and totals
 * up to date once per burst of answers, before the next frame, and not at all while it
 * is not on screen (then when it is mapped again). */
static void
flush_update (TwPositionsPage *self)
{
  g_clear_handle_id (&self->update_id, g_source_remove);
  if (!self->update_pending)
    return;
  self->update_pending = FALSE;
  update_age (self);
  update_mode (self);
  update_totals (self);
}

static gboolean
update_idle_cb (gpointer user_data)
{
  TwPositionsPage *self = user_data;

  self->update_id = 0;
  flush_update (self);
  return G_SOURCE_REMOVE;
}

static void
queue_update (TwPositionsPage *self)
{
  self->update_pending = TRUE;
  if (self->update_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->update_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, update_idle_cb, self, NULL);
}

static gboolean
tick_cb (gpointer user_data)
{
  TwPositionsPage *self = user_data;

  /* The ages count up by themselves: only what is on screen needs them. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    update_age (self);
  return G_SOURCE_CONTINUE;
}

static void
service_changed_cb (TwPositionsPage *self)
{
  queue_update (self);
}

/* ---- account cards ---- */

static GtkWidget *
create_card_cb (gpointer item,
                gpointer user_data)
{
  return tw_account_card_new (TW_ACCOUNT (item));
}

static void fit_accounts_row (TwPositionsPage *self,
                              int              width);

/* The account cards are built when the page is first shown (or a getter asks), not
 * with the portfolio's first answers: a page never shown keeps no card, each about
 * 30 kB of widgets (6 MB for a profile of 200 services, issue 17). Once built they
 * follow their accounts, shown or not. */
static void
bind_cards (TwPositionsPage *self)
{
  if (self->cards_bound || self->portfolio == NULL)
    return;
  self->cards_bound = TRUE;
  gtk_flow_box_bind_model (self->accounts_box, tw_portfolio_get_accounts (self->portfolio),
                           create_card_cb, NULL, NULL);
  fit_accounts_row (self, self->narrow.fitted_width);
}

/* As many cards on a line as the page's width holds, the others on the lines under
 * them: never a card (or its Flatten…) out of sight sideways. The row is as tall as its
 * lines of cards; when they are stacked, it scrolls up and down if the page is too short
 * for them all (a card's height at least), the table keeping its own minimum. Before the
 * page has a width, every card on one line. */
static void
fit_accounts_row (TwPositionsPage *self,
                  int              width)
{
  GtkFlowBox *box = self->accounts_box;
  GtkScrolledWindow *row = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (box),
                                                                         GTK_TYPE_SCROLLED_WINDOW));
  GtkFlowBoxChild *first = gtk_flow_box_get_child_at_index (box, 0);
  guint n = self->portfolio != NULL
    ? g_list_model_get_n_items (tw_portfolio_get_accounts (self->portfolio)) : 0;
  guint per_line;
  int card = 0, card_height = 0;

  n = MAX (n, 1);
  per_line = n;
  if (width > 0 && first != NULL)
    {
      guint spacing = gtk_flow_box_get_column_spacing (box);
      int room = width - gtk_widget_get_margin_start (GTK_WIDGET (box))
                 - gtk_widget_get_margin_end (GTK_WIDGET (box));

      gtk_widget_measure (GTK_WIDGET (first), GTK_ORIENTATION_HORIZONTAL, -1, &card, NULL, NULL, NULL);
      if (card > 0)
        per_line = CLAMP ((room + (int) spacing) / (card + (int) spacing), 1, (int) n);
      gtk_widget_measure (GTK_WIDGET (first), GTK_ORIENTATION_VERTICAL, card, &card_height, NULL, NULL, NULL);
    }
  g_debug ("Account cards: %u of %u on a line in %d px (a card at least %d px)", per_line, n, width, card);
  /* The maximum first when it grows, so that the minimum never exceeds it. */
  if (per_line > gtk_flow_box_get_max_children_per_line (box))
    {
      gtk_flow_box_set_max_children_per_line (box, per_line);
      gtk_flow_box_set_min_children_per_line (box, per_line);
    }
  else
    {
      gtk_flow_box_set_min_children_per_line (box, per_line);
      gtk_flow_box_set_max_children_per_line (box, per_line);
    }
  /* Stacked, nothing is out of sight sideways, and a scrollbar up and down takes no
   * width from the cards: a 360 px window holds a card and its margins, not a classic
   * scrollbar beside them. */
  gtk_scrolled_window_set_policy (row, per_line < n ? GTK_POLICY_NEVER : GTK_POLICY_AUTOMATIC,
                                  per_line < n ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
  gtk_scrolled_window_set_overlay_scrolling (row, per_line < n);
  gtk_scrolled_window_set_min_content_height (row, per_line < n ? card_height : -1);
}

/* The cards do not all fit: their row scrolls sideways, with a classic scrollbar (so a
 * card out of sight is noticed) that the scrolled window does not count in its height.
 * Room is made for it under the cards, else it would cover their bottom. Not while the
 * row is being allocated (where the adjustment changes): just after. */
static gboolean
fit_accounts_scrollbar_cb (gpointer user_data)
{
  TwPositionsPage *self = user_data;
  GtkWidget *row;
  GtkAdjustment *hadj;
  int bar = 0;

  if (self->accounts_box == NULL)
    return G_SOURCE_REMOVE;
  row = gtk_widget_get_ancestor (GTK_WIDGET (self->accounts_box), GTK_TYPE_SCROLLED_WINDOW);
  hadj = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (row));
  if (gtk_adjustment_get_upper (hadj) - gtk_adjustment_get_lower (hadj)
      > gtk_adjustment_get_page_size (hadj) + 0.5)
    gtk_widget_measure (gtk_scrolled_window_get_hscrollbar (GTK_SCROLLED_WINDOW (row)),
                        GTK_ORIENTATION_VERTICAL, -1, NULL, &bar, NULL, NULL);
  if (gtk_widget_get_margin_bottom (GTK_WIDGET (self->accounts_box)) != ACCOUNTS_MARGIN_BOTTOM + bar)
    gtk_widget_set_margin_bottom (GTK_WIDGET (self->accounts_box), ACCOUNTS_MARGIN_BOTTOM + bar);
  return G_SOURCE_REMOVE;
}

static void
accounts_row_changed_cb (TwPositionsPage *self)
{
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, fit_accounts_scrollbar_cb, g_object_ref (self), g_object_unref);
}

static void
accounts_changed_cb (TwPositionsPage *self)
{
  fit_accounts_row (self, self->narrow.fitted_width);
  queue_update (self);
}

/* ---- filter ---- */

static void
search_changed_cb (TwPositionsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  gtk_string_filter_set_search (self->symbol_filter, text);
}

static void
filter_items_changed_cb (TwPositionsPage *self)
{
  queue_update (self);
}

/* ---- the selected row's Close… (the row's own button may be scrolled away) ---- */

static void
update_close_selected (TwPositionsPage *self)
{
  TwPosition *position = gtk_single_selection_get_selected_item (self->selection);

  gtk_widget_set_sensitive (GTK_WIDGET (self->close_selected_button),
                            position != NULL && self->runner != NULL && !tw_position_get_busy (position));
}

static void
selection_changed_cb (TwPositionsPage *self)
{
  TwPosition *position = gtk_single_selection_get_selected_item (self->selection);

  if (self->watched_selection != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_selection, update_close_selected, self);
  g_set_object (&self->watched_selection, position);
  if (position != NULL)
    g_signal_connect_object (position, "notify::busy", G_CALLBACK (update_close_selected), self,
                             G_CONNECT_SWAPPED);
  update_close_selected (self);
}

static void
close_selected_cb (TwPositionsPage *self)
{
  TwPosition *position = gtk_single_selection_get_selected_item (self->selection);

  if (position != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "positions.close", "s", tw_position_get_key (position));
}

/* ---- context ---- */

/* The page holds the portfolio's view while it is on screen. */
static void
hold_view (TwPositionsPage *self,
           gboolean         hold)
{
  tw_trading_hold_view (&self->held, hold ? self->portfolio : NULL);
}

void
tw_positions_page_set_context (TwPositionsPage *self,
                               TwPortfolio     *portfolio,
                               TwActionRunner  *runner)
{
  g_return_if_fail (TW_IS_POSITIONS_PAGE (self));
  g_return_if_fail (portfolio == NULL || TW_IS_PORTFOLIO (portfolio));
  g_return_if_fail (runner == NULL || TW_IS_ACTION_RUNNER (runner));

  if (self->portfolio != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->portfolio, self);
      g_signal_handlers_disconnect_by_data (tw_portfolio_get_accounts (self->portfolio), self);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->portfolio, portfolio);
  g_set_object (&self->runner, runner);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  hold_view (self, gtk_widget_get_mapped (GTK_WIDGET (self)));

  gtk_filter_list_model_set_model (self->filter_model,
                                   portfolio != NULL ? tw_portfolio_get_positions (portfolio) : NULL);
  gtk_flow_box_bind_model (self->accounts_box, NULL, NULL, NULL, NULL);
  self->cards_bound = FALSE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    bind_cards (self);
  fit_accounts_row (self, self->narrow.fitted_width);
  if (portfolio != NULL)
    {
      g_signal_connect_object (portfolio, "service-changed", G_CALLBACK (service_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (tw_portfolio_get_accounts (portfolio), "items-changed",
                               G_CALLBACK (accounts_changed_cb), self, G_CONNECT_SWAPPED);
      self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "positions.close", runner != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "positions.flatten", runner != NULL);
  self->update_pending = TRUE;
  flush_update (self);
  update_close_selected (self);
}

/* ---- GObject ---- */

/* The table fits the page without scrolling sideways, its actions last: the columns a
 * glance can do without give way, first given up first; when the others still do not
 * fit (a narrow window), a position is two lines; only when even that does not fit, the
 * row's action comes first, in sight. */
static const char * const hide_order[] = {
  "intraday-pl", "pl-percent", "avg-entry", "market-value", "price", "side", NULL
};
/* Narrower still: a position is two lines, its P/L and its Close…. */
static const char * const compact[] = { "position", "pl", "actions", NULL };

static gboolean
fit_table (GtkWidget *widget,
           int        width,
           gboolean  *fits)
{
  TwPositionsPage *self = TW_POSITIONS_PAGE (widget);

  fit_accounts_row (self, width);
  return tw_trading_view_fit (self->column_view, width, hide_order, compact, fits);
}

static int
measure_table (GtkWidget *widget)
{
  return tw_trading_view_measure (TW_POSITIONS_PAGE (widget)->column_view);
}

gboolean
tw_positions_page_get_narrow (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), FALSE);

  return self->narrow.narrow;
}

static void
tw_positions_page_dispose (GObject *object)
{
  TwPositionsPage *self = TW_POSITIONS_PAGE (object);

  tw_narrow_clear (&self->narrow);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->update_id, g_source_remove);
  hold_view (self, FALSE);
  if (self->portfolio != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->portfolio, self);
      g_signal_handlers_disconnect_by_data (tw_portfolio_get_accounts (self->portfolio), self);
    }
  if (self->close_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->close_dialog));
  g_clear_weak_pointer (&self->close_dialog);
  g_clear_weak_pointer (&self->guard_dialog);
  g_clear_weak_pointer (&self->flatten_dialog);
  /* AdwBin would unparent its child again after the template did. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_POSITIONS_PAGE);
  if (self->watched_selection != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_selection, update_close_selected, self);
  g_clear_object (&self->watched_selection);
  g_clear_object (&self->selection);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tw_positions_page_parent_class)->dispose (object);
}

static void
tw_positions_page_finalize (GObject *object)
{
  TwPositionsPage *self = TW_POSITIONS_PAGE (object);

  g_free (self->totals_text);
  g_free (self->last_result);

  G_OBJECT_CLASS (tw_positions_page_parent_class)->finalize (object);
}

static void
tw_positions_page_map (GtkWidget *widget)
{
  TwPositionsPage *self = TW_POSITIONS_PAGE (widget);

  /* What changed while hidden, and the ages, before the first frame shows them. */
  bind_cards (self);
  self->update_pending = TRUE;
  flush_update (self);
  tw_trading_view_attach (self->column_view, GTK_SELECTION_MODEL (self->selection));
  hold_view (self, TRUE);
  GTK_WIDGET_CLASS (tw_positions_page_parent_class)->map (widget);
}

static void
tw_positions_page_unmap (GtkWidget *widget)
{
  TwPositionsPage *self = TW_POSITIONS_PAGE (widget);

  GTK_WIDGET_CLASS (tw_positions_page_parent_class)->unmap (widget);
  /* Off screen the table follows no refresh, and the portfolio may poll less often. */
  tw_trading_view_detach (self->column_view);
  hold_view (self, FALSE);
}

static void
tw_positions_page_class_init (TwPositionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_positions_page_dispose;
  object_class->finalize = tw_positions_page_finalize;
  widget_class->map = tw_positions_page_map;
  widget_class->unmap = tw_positions_page_unmap;

  /**
   * TwPositionsPage::action-finished:
   * @operation: "positions.close" or "account.flatten"
   * @ok: whether it fully succeeded
   * @message: what the toast said
   */
  signals[ACTION_FINISHED] =
    g_signal_new ("action-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-positions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, mode_label);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, stale_image);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, age_label);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, accounts_box);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, close_selected_button);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, shared_label);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, total_value_label);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, total_pl_image);
  gtk_widget_class_bind_template_child (widget_class, TwPositionsPage, total_pl_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_selected_cb);

  _tw_positions_page_install_actions (widget_class);
}

static void
tw_positions_page_init (TwPositionsPage *self)
{
  GtkSortListModel *sort_model;
  GtkExpression *symbol;

  gtk_widget_init_template (GTK_WIDGET (self));
  tw_narrow_init (&self->narrow, GTK_WIDGET (self), 0, NULL);
  tw_narrow_set_fit (&self->narrow, fit_table, measure_table);
  /* The market clock (a page per service) in the header, after the data's age. */
  self->market_clock = tw_market_clock_new ();
  gtk_widget_insert_after (self->market_clock, gtk_widget_get_parent (GTK_WIDGET (self->age_label)),
                           GTK_WIDGET (self->age_label));
  {
    GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (self->accounts_box), GTK_TYPE_SCROLLED_WINDOW);

    g_signal_connect_object (gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (row)), "changed",
                             G_CALLBACK (accounts_row_changed_cb), self, G_CONNECT_SWAPPED);
  }

  symbol = gtk_property_expression_new (TW_TYPE_POSITION, NULL, "symbol");
  self->symbol_filter = gtk_string_filter_new (symbol);
  gtk_string_filter_set_match_mode (self->symbol_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->symbol_filter, TRUE);
  self->filter_model = gtk_filter_list_model_new (NULL, GTK_FILTER (self->symbol_filter));
  g_signal_connect_object (self->filter_model, "items-changed", G_CALLBACK (filter_items_changed_cb),
                           self, G_CONNECT_SWAPPED);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = tw_trading_column_new (&columns[i], TW_TYPE_POSITION);

      gtk_column_view_append_column (self->column_view, column);
    }

  sort_model = gtk_sort_list_model_new (G_LIST_MODEL (self->filter_model),
                                        g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->sort_model = sort_model;
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sort_model));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  /* The table gets its model when the page is mapped (tw_trading_view_attach): a page
   * built hidden binds no rows while the portfolio's first answers come in. */
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  tw_positions_page_sort_by (self, "symbol", GTK_SORT_ASCENDING);

  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "positions.close", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "positions.flatten", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_totals (self);
}

/* ---- public ---- */

GtkWidget *
tw_positions_page_new (void)
{
  return g_object_new (TW_TYPE_POSITIONS_PAGE, NULL);
}

TwPortfolio *
tw_positions_page_get_portfolio (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);

  return self->portfolio;
}

GtkColumnView *
tw_positions_page_get_column_view (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);

  return self->column_view;
}

GtkSingleSelection *
tw_positions_page_get_selection (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);

  return self->selection;
}

GtkScrolledWindow *
tw_positions_page_get_scroller (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);

  return self->scroller;
}

void
tw_positions_page_sort_by (TwPositionsPage *self,
                           const char      *column_id,
                           GtkSortType      order)
{
  GListModel *list;

  g_return_if_fail (TW_IS_POSITIONS_PAGE (self));

  list = gtk_column_view_get_columns (self->column_view);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (list, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "tw-column-id"), column_id) == 0)
        {
          gtk_column_view_sort_by_column (self->column_view, column, order);
          return;
        }
    }
  g_critical ("No column %s", column_id);
}

void
tw_positions_page_set_search_text (TwPositionsPage *self,
                                   const char      *text)
{
  g_return_if_fail (TW_IS_POSITIONS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* The entry delays "search-changed"; as typed, but applied now. */
  search_changed_cb (self);
}

const char *
tw_positions_page_get_totals_text (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);
  flush_update (self);

  return self->totals_text;
}

const char *
tw_positions_page_get_shared_text (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);
  flush_update (self);

  return gtk_widget_get_visible (GTK_WIDGET (self->shared_label)) ? gtk_label_get_text (self->shared_label) : NULL;
}

const char *
tw_positions_page_get_mode_text (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);
  flush_update (self);

  return gtk_label_get_text (self->mode_label);
}

const char *
tw_positions_page_get_age_text (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);
  flush_update (self);

  return gtk_label_get_text (self->age_label);
}

gboolean
tw_positions_page_get_stale (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), FALSE);
  flush_update (self);

  return self->stale;
}

TwAccountCard *
tw_positions_page_get_account_card (TwPositionsPage *self,
                                    const char      *service_id)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);
  bind_cards (self);
  flush_update (self);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (TW_IS_ACCOUNT_CARD (card)
          && g_strcmp0 (tw_account_get_service_id (tw_account_card_get_account (TW_ACCOUNT_CARD (card))),
                        service_id) == 0)
        return TW_ACCOUNT_CARD (card);
    }
  return NULL;
}

GtkWidget *
tw_positions_page_get_close_dialog (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);

  return self->close_dialog;
}

GtkWidget *
tw_positions_page_get_guard_dialog (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);

  return self->guard_dialog;
}

GtkWidget *
tw_positions_page_get_flatten_dialog (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);

  return self->flatten_dialog;
}

const char *
tw_positions_page_get_last_result (TwPositionsPage *self)
{
  g_return_val_if_fail (TW_IS_POSITIONS_PAGE (self), NULL);

  return self->last_result;
}

void
_tw_positions_page_emit_finished (TwPositionsPage *self,
                                  const char      *operation,
                                  gboolean         ok,
                                  const char      *message)
{
  g_signal_emit (self, signals[ACTION_FINISHED], 0, operation, ok, message);
}

/* TwSessionPage: what the page shows of the window's session */

static void
session_page_set_session (TwSessionPage *page,
                          TwSession     *session)
{
  tw_positions_page_set_context (TW_POSITIONS_PAGE (page),
                                 session != NULL ? tw_session_get_portfolio (session) : NULL,
                                 session != NULL ? tw_session_get_action_runner (session) : NULL);
  tw_market_clock_set_session (TW_MARKET_CLOCK (TW_POSITIONS_PAGE (page)->market_clock), session);
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = session_page_set_session;
}
