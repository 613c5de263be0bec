/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers of the positions and orders UI tests (header only). */

#include <locale.h>

#include "tw-orders-page.h"
#include "tw-positions-page.h"
#include "tw-positions-page-private.h"
#include "tw-test-app.h"
#include "tw-trading-cells.h"
#include "tw-trading-cells-private.h"

static inline GtkWidget *
trading_find_widget (GtkWidget *root,
                     GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = trading_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* TRUE once every service of the portfolio the pages share answered each of its polls
 * (its updated-at is set), the Positions page holding it: @f is the AppFixture. */
static inline gboolean
trading_portfolio_loaded (gpointer data)
{
  AppFixture *f = data;
  TwPositionsPage *page = TW_POSITIONS_PAGE (trading_find_widget (GTK_WIDGET (f->window),
                                                                  TW_TYPE_POSITIONS_PAGE));
  TwPortfolio *portfolio = tw_positions_page_get_portfolio (page);
  GListModel *services = tw_profile_get_services (f->profile);

  /* A page not shown gets the session after the call that opened the profile. */
  if (portfolio == NULL)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      const char *id = tw_service_get_id (service);

      if (tw_portfolio_has_service (portfolio, id) && tw_portfolio_get_updated_at (portfolio, id) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The text the table shows for @item in @column (walks the widgets on screen). */
static inline const char *
trading_cell_text (GtkWidget  *root,
                   gpointer    item,
                   const char *column)
{
  const char *id = tw_trading_cell_get_column (root);

  if (id != NULL && g_str_equal (id, column) && tw_trading_cell_get_item (root) == item)
    return tw_trading_cell_get_text (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text = trading_cell_text (child, item, column);

      if (text != NULL)
        return text;
    }
  return NULL;
}

typedef struct
{
  TwPortfolio *portfolio;
  const char  *service_id;
  const char  *symbol;
} TradingPositionWait;

static inline gboolean
trading_position_known (gpointer data)
{
  TradingPositionWait *wait = data;

  return wait->portfolio != NULL
         && tw_portfolio_lookup_position (wait->portfolio, wait->service_id, wait->symbol) != NULL;
}

static inline gboolean
trading_is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static inline void
trading_finished_cb (GtkWidget   *page,
                     const char  *operation,
                     gboolean     ok,
                     const char  *message,
                     char       **out)
{
  g_free (*out);
  *out = g_strdup_printf ("%s %s %s", operation, ok ? "ok" : "failed", message);
}

/* The simulator's requests of @flavor with @method on @path (query appended after '?'). */
static inline GPtrArray *
trading_requests (AppFixture *f,
                  const char *flavor,
                  const char *method,
                  const char *path_prefix)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (f->sim);
  JsonArray *array = json_node_get_array (log);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      const char *query = json_object_get_string_member_with_default (entry, "query", NULL);

      if (g_strcmp0 (json_object_get_string_member (entry, "flavor"), flavor) != 0
          || g_strcmp0 (json_object_get_string_member (entry, "method"), method) != 0
          || !g_str_has_prefix (json_object_get_string_member (entry, "path"), path_prefix))
        continue;
      g_ptr_array_add (out, g_strdup_printf ("%s %s%s%s", method,
                                             json_object_get_string_member (entry, "path"),
                                             query != NULL && *query != '\0' ? "?" : "",
                                             query != NULL ? query : ""));
    }
  return out;
}

static inline gboolean
trading_has_guard_dialog (gpointer page)
{
  return tw_positions_page_get_guard_dialog (page) != NULL;
}

static inline gboolean
trading_has_flatten_dialog (gpointer page)
{
  return tw_positions_page_get_flatten_dialog (page) != NULL;
}

static inline gboolean
trading_position_busy (gpointer position)
{
  return tw_position_get_busy (position);
}

/* Numbers are formatted for LC_NUMERIC: use en_US's digit grouping when the machine has
 * that locale (screenshots as an operator sees them), before GTK reads the locale.
 * Returns whether grouping is on. */
static inline gboolean
trading_use_grouping_locale (void)
{
  locale_t loc = newlocale (LC_NUMERIC_MASK, "en_US.UTF-8", (locale_t) 0);

  if (loc == (locale_t) 0)
    return FALSE;
  freelocale (loc);
  g_setenv ("LC_NUMERIC", "en_US.UTF-8", TRUE);
  return TRUE;
}

/* The button under @root whose label is @label (with its mnemonic underscore). */
static inline GtkWidget *
trading_find_button (GtkWidget  *root,
                     const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = trading_find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}
