/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-trading-cells.h"
#include "tw-trading-cells-private.h"

#include <glib/gi18n.h>

#include "tw-trading-format.h"
#include "tw-ui-util.h"

/* What one cell widget remembers: its column, its item while bound, its signal ids. */
typedef struct
{
  const TwCellColumn *info;
  GObject            *item;      /* weak: between bind and unbind only */
  gulong              ids[3];
  GtkLabel           *label;
  GtkImage           *image;
  GtkButton          *button;
  GtkLabel           *caption;   /* TW_CELL_ORDER_STATUS: the approval, if any */
  GtkWidget          *widget;    /* the cell's own widget */
  gboolean            dirty;     /* its item changed while it was off screen */
} Cell;

static GQuark cell_quark;
static GQuark scroller_quark;
/* Cells whose item changed while they were off screen, updated when they scroll in. */
static GHashTable *dirty_cells;

static void
cell_free (gpointer data)
{
  Cell *cell = data;

  if (dirty_cells != NULL)
    g_hash_table_remove (dirty_cells, cell);
  g_free (cell);
}

static Cell *
cell_of (GtkWidget *widget)
{
  return widget != NULL ? g_object_get_qdata (G_OBJECT (widget), cell_quark) : NULL;
}

static void
update_cell (GtkWidget *widget)
{
  Cell *cell = cell_of (widget);
  const TwCellColumn *info = cell->info;
  g_autofree char *text = NULL;

  if (cell->item == NULL)
    return;

  switch (info->kind)
    {
    case TW_CELL_TEXT:
    case TW_CELL_BROKER_WORD:
      {
        g_autofree char *value = NULL;

        g_object_get (cell->item, info->property, &value, NULL);
        if (info->kind == TW_CELL_BROKER_WORD)
          {
            g_autofree char *raw = g_steal_pointer (&value);

            value = tw_trading_format_broker_word (raw);
          }
        gtk_label_set_text (cell->label, value != NULL && *value != '\0' ? value : "—");
        if (info->fixed_width > 0)
          tw_ui_set_tooltip_text (GTK_WIDGET (cell->label), value);
      }
      break;
    case TW_CELL_QTY:
    case TW_CELL_MONEY:
      {
        double value = 0;

        g_object_get (cell->item, info->property, &value, NULL);
        text = info->kind == TW_CELL_QTY ? tw_trading_format_qty (value) : tw_trading_format_money (value);
        gtk_label_set_text (cell->label, text);
      }
      break;
    case TW_CELL_PL:
    case TW_CELL_PL_FRACTION:
      {
        double value = 0;

        g_object_get (cell->item, info->property, &value, NULL);
        if (info->kind == TW_CELL_PL)
          text = tw_trading_format_signed_money (value);
        else
          text = tw_trading_format_signed_percent (value * 100);
        tw_trading_show_pl (cell->image, cell->label, value, text);
      }
      break;
    case TW_CELL_AGE:
      {
        gint64 seconds = -1;

        g_object_get (cell->item, info->property, &seconds, NULL);
        text = tw_trading_format_age (seconds);
        gtk_label_set_text (cell->label, text);
      }
      break;
    case TW_CELL_ORDER_STATUS:
      {
        g_autofree char *status = NULL;
        gboolean stuck = FALSE;

        g_object_get (cell->item, info->property, &status, "stuck", &stuck, NULL);
        {
          g_autofree char *raw = g_steal_pointer (&status);

          status = tw_trading_format_broker_word (raw);
        }
        if (stuck)
          /* Translators: an order pending for too long; %s is its status, e.g. "accepted" */
          text = g_strdup_printf (_("Stuck · %s"), status != NULL ? status : "");
        gtk_label_set_text (cell->label, text != NULL ? text : status != NULL ? status : "—");
        gtk_widget_set_visible (GTK_WIDGET (cell->image), stuck);
        {
          g_autofree char *approval = NULL;
          g_autofree char *line = NULL;

          g_object_get (cell->item, "approval-status", &approval, NULL);
          if (approval != NULL && *approval != '\0')
            {
              g_autofree char *word = tw_trading_format_broker_word (approval);

              /* Translators: the IBKR assistant's approval status of an order */
              line = g_strdup_printf (_("Approval: %s"), word);
            }
          gtk_label_set_text (cell->caption, line != NULL ? line : "");
          gtk_widget_set_visible (GTK_WIDGET (cell->caption), line != NULL);
        }
        tw_ui_set_status_style (GTK_WIDGET (cell->label), stuck ? "warning" : NULL);
        tw_ui_set_status_style (GTK_WIDGET (cell->image), stuck ? "warning" : NULL);
      }
      break;
    case TW_CELL_LINES:
      {
        gboolean warning[2] = { FALSE, FALSE };
        g_autofree char *first = info->lines (cell->item, 0, &warning[0]);
        g_autofree char *second = info->lines (cell->item, 1, &warning[1]);

        gtk_label_set_text (cell->label, first != NULL ? first : "");
        gtk_label_set_text (cell->caption, second != NULL ? second : "");
        gtk_widget_set_visible (GTK_WIDGET (cell->caption), second != NULL && *second != '\0');
        tw_ui_set_status_style (GTK_WIDGET (cell->label), warning[0] ? "warning" : NULL);
        tw_ui_set_status_style (GTK_WIDGET (cell->caption), warning[1] ? "warning" : NULL);
        /* Either line may be cut short in a narrow table: each whole in its tooltip. */
        gtk_widget_set_tooltip_text (GTK_WIDGET (cell->label), first);
        gtk_widget_set_tooltip_text (GTK_WIDGET (cell->caption), second);
      }
      break;
    case TW_CELL_BUTTON:
      {
        g_autofree char *key = NULL;
        g_autofree char *symbol = NULL;
        gboolean busy = FALSE;

        g_object_get (cell->item, "key", &key, "symbol", &symbol, "busy", &busy, NULL);
        gtk_actionable_set_action_target (GTK_ACTIONABLE (cell->button), "s", key != NULL ? key : "");
        gtk_widget_set_sensitive (GTK_WIDGET (cell->button), !busy);
        if (info->tooltip != NULL)
          {
            /* Translators: see the tooltips of the columns, e.g. "Close position AAPL…" */
            text = g_strdup_printf ("%s %s…", _(info->tooltip), symbol != NULL ? symbol : "");
            tw_ui_set_tooltip_text (GTK_WIDGET (cell->button), text);
            gtk_accessible_update_property (GTK_ACCESSIBLE (cell->button),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
          }
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Whether @widget is inside what its scrolled window shows. GtkListView keeps many
 * more rows bound than it shows; a refresh of thousands of positions should only
 * re-render what is on screen. */
static gboolean
widget_on_screen (GtkWidget *widget,
                  GtkWidget *scroller)
{
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (widget, scroller, &bounds))
    return TRUE;
  return bounds.origin.y + bounds.size.height >= 0
         && bounds.origin.y <= gtk_widget_get_height (scroller)
         && bounds.origin.x + bounds.size.width >= 0
         && bounds.origin.x <= gtk_widget_get_width (scroller);
}

/* What the row's visibility was at this frame: a refresh notifies every cell of a
 * row, the layout only changes between frames. */
typedef struct
{
  gint64   frame;
  gboolean on_screen;
} RowCache;

static gboolean
cell_on_screen (GtkWidget *widget)
{
  static GQuark row_quark;
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *cell_parent = gtk_widget_get_parent (widget);
  GtkWidget *row = cell_parent != NULL ? gtk_widget_get_parent (cell_parent) : NULL;
  GdkFrameClock *clock;
  RowCache *cache;
  gint64 frame;

  if (scroller == NULL)
    return TRUE;
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  clock = gtk_widget_get_frame_clock (widget);
  if (row == NULL || clock == NULL)
    return widget_on_screen (widget, scroller);
  /* The row's vertical extent decides; the column's horizontal one is checked below. */
  if (row_quark == 0)
    row_quark = g_quark_from_static_string ("tw-trading-row-cache");
  frame = gdk_frame_clock_get_frame_counter (clock);
  cache = g_object_get_qdata (G_OBJECT (row), row_quark);
  if (cache == NULL)
    {
      cache = g_new0 (RowCache, 1);
      cache->frame = -1;
      g_object_set_qdata_full (G_OBJECT (row), row_quark, cache, g_free);
    }
  if (cache->frame != frame)
    {
      graphene_rect_t bounds;

      cache->frame = frame;
      cache->on_screen = !gtk_widget_compute_bounds (row, scroller, &bounds)
                         || (bounds.origin.y + bounds.size.height >= 0
                             && bounds.origin.y <= gtk_widget_get_height (scroller));
    }
  return cache->on_screen;
}

static void
flush_dirty (gpointer unused)
{
  GHashTableIter iter;
  gpointer key;

  if (dirty_cells == NULL)
    return;
  g_hash_table_iter_init (&iter, dirty_cells);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Cell *cell = key;

      if (!cell_on_screen (cell->widget))
        continue;
      cell->dirty = FALSE;
      g_hash_table_iter_remove (&iter);
      update_cell (cell->widget);
    }
}

static gboolean flush_pending;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       unused)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, NULL);
  flush_pending = FALSE;
  flush_dirty (NULL);
}

/* Scrolling or resizing shows other rows: once the frame that laid them out is painted,
 * the cells that missed refreshes catch up (and ask for one more frame). */
static void
schedule_flush (GtkWidget *scroller)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (scroller);

  if (flush_pending || clock == NULL || dirty_cells == NULL || g_hash_table_size (dirty_cells) == 0)
    return;
  flush_pending = TRUE;
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  gtk_widget_queue_draw (scroller);
}

static void
adjustment_changed_cb (GtkAdjustment *adjustment,
                       GtkWidget     *scroller)
{
  schedule_flush (scroller);
}

static void
watch_scroller (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkScrolledWindow *sw;

  if (scroller == NULL || g_object_get_qdata (G_OBJECT (scroller), scroller_quark) != NULL)
    return;
  g_object_set_qdata (G_OBJECT (scroller), scroller_quark, GINT_TO_POINTER (1));
  sw = GTK_SCROLLED_WINDOW (scroller);
  g_signal_connect (scroller, "map", G_CALLBACK (schedule_flush), NULL);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (sw), "value-changed",
                           G_CALLBACK (adjustment_changed_cb), scroller, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (sw), "changed",
                           G_CALLBACK (adjustment_changed_cb), scroller, 0);
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (sw), "value-changed",
                           G_CALLBACK (adjustment_changed_cb), scroller, 0);
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (sw), "changed",
                           G_CALLBACK (adjustment_changed_cb), scroller, 0);
}

static void
item_notify_cb (GObject    *item,
                GParamSpec *pspec,
                GtkWidget  *widget)
{
  Cell *cell = cell_of (widget);

  if (cell->info->kind == TW_CELL_BUTTON || cell_on_screen (widget))
    {
      update_cell (widget);
      return;
    }
  if (!cell->dirty)
    {
      cell->dirty = TRUE;
      watch_scroller (widget);
      g_hash_table_add (dirty_cells, cell);
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          const TwCellColumn       *info)
{
  Cell *cell = g_new0 (Cell, 1);
  GtkWidget *widget;

  cell->info = info;
  switch (info->kind)
    {
    case TW_CELL_BUTTON:
      widget = gtk_button_new_with_label (_(info->title));
      cell->button = GTK_BUTTON (widget);
      /* The target first: a name without its "s" target warns. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (widget), "s", "");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (widget), info->action);
      gtk_widget_add_css_class (widget, "flat");
      break;
    case TW_CELL_PL:
    case TW_CELL_PL_FRACTION:
    case TW_CELL_ORDER_STATUS:
      widget = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      cell->image = GTK_IMAGE (gtk_image_new ());
      cell->label = GTK_LABEL (gtk_label_new (NULL));
      if (info->kind == TW_CELL_ORDER_STATUS)
        {
          tw_ui_set_icon_name (cell->image, "dialog-warning-symbolic");
          gtk_accessible_update_property (GTK_ACCESSIBLE (cell->image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Stuck"), -1);
          gtk_label_set_xalign (cell->label, 0);
        }
      else
        {
          gtk_widget_set_halign (widget, GTK_ALIGN_END);
          gtk_label_set_xalign (cell->label, 1);
          gtk_widget_add_css_class (GTK_WIDGET (cell->label), "numeric");
        }
      gtk_box_append (GTK_BOX (widget), GTK_WIDGET (cell->image));
      gtk_box_append (GTK_BOX (widget), GTK_WIDGET (cell->label));
      if (info->kind == TW_CELL_ORDER_STATUS)
        {
          /* The status line, and the approval under it. */
          GtkWidget *line = widget;

          widget = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
          gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
          gtk_box_append (GTK_BOX (widget), line);
          cell->caption = GTK_LABEL (gtk_label_new (NULL));
          gtk_label_set_xalign (cell->caption, 0);
          gtk_widget_add_css_class (GTK_WIDGET (cell->caption), "caption");
          gtk_widget_add_css_class (GTK_WIDGET (cell->caption), "dim-label");
          gtk_widget_set_visible (GTK_WIDGET (cell->caption), FALSE);
          gtk_box_append (GTK_BOX (widget), GTK_WIDGET (cell->caption));
        }
      break;
    case TW_CELL_LINES:
      /* The first line as the others' text, the second dimmer; each cut short (the whole
       * in the tooltip) rather than the table made wider than its page. */
      widget = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
      cell->label = GTK_LABEL (gtk_label_new (NULL));
      cell->caption = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (cell->label, 0);
      gtk_label_set_xalign (cell->caption, 0);
      gtk_label_set_ellipsize (cell->label, PANGO_ELLIPSIZE_END);
      gtk_label_set_ellipsize (cell->caption, PANGO_ELLIPSIZE_END);
      /* At least a few words of each line before "…". */
      gtk_label_set_width_chars (cell->label, 12);
      gtk_label_set_width_chars (cell->caption, 12);
      gtk_widget_add_css_class (GTK_WIDGET (cell->caption), "caption");
      gtk_widget_add_css_class (GTK_WIDGET (cell->caption), "dim-label");
      gtk_box_append (GTK_BOX (widget), GTK_WIDGET (cell->label));
      gtk_box_append (GTK_BOX (widget), GTK_WIDGET (cell->caption));
      break;
    case TW_CELL_TEXT:
    case TW_CELL_BROKER_WORD:
      widget = gtk_label_new (NULL);
      cell->label = GTK_LABEL (widget);
      gtk_label_set_xalign (cell->label, 0);
      if (info->fixed_width > 0)
        gtk_label_set_ellipsize (cell->label, PANGO_ELLIPSIZE_END);
      break;
    default:
      widget = gtk_label_new (NULL);
      cell->label = GTK_LABEL (widget);
      gtk_label_set_xalign (cell->label, 1);
      gtk_widget_add_css_class (widget, "numeric");
      break;
    }
  cell->widget = widget;
  g_object_set_qdata_full (G_OBJECT (widget), cell_quark, cell, cell_free);
  gtk_list_item_set_child (list_item, widget);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         const TwCellColumn       *info)
{
  GtkWidget *widget = gtk_list_item_get_child (list_item);
  Cell *cell = cell_of (widget);
  GObject *item = gtk_list_item_get_item (list_item);
  g_autofree char *detail = NULL;

  cell->item = item;
  if (cell->dirty)
    {
      cell->dirty = FALSE;
      g_hash_table_remove (dirty_cells, cell);
    }
  if (info->kind == TW_CELL_BUTTON)
    {
      cell->ids[0] = g_signal_connect (item, "notify::busy", G_CALLBACK (item_notify_cb), widget);
    }
  else if (info->kind == TW_CELL_LINES)
    {
      /* Its lines say what several properties say. */
      cell->ids[0] = g_signal_connect (item, "notify", G_CALLBACK (item_notify_cb), widget);
    }
  else
    {
      detail = g_strconcat ("notify::", info->property, NULL);
      cell->ids[0] = g_signal_connect (item, detail, G_CALLBACK (item_notify_cb), widget);
      if (info->kind == TW_CELL_ORDER_STATUS)
        {
          cell->ids[1] = g_signal_connect (item, "notify::stuck", G_CALLBACK (item_notify_cb), widget);
          cell->ids[2] = g_signal_connect (item, "notify::approval-status", G_CALLBACK (item_notify_cb), widget);
        }
    }
  update_cell (widget);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           const TwCellColumn       *info)
{
  Cell *cell = cell_of (gtk_list_item_get_child (list_item));

  if (cell->item == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cell->ids); i++)
    g_clear_signal_handler (&cell->ids[i], cell->item);
  cell->item = NULL;
  if (cell->dirty)
    {
      cell->dirty = FALSE;
      g_hash_table_remove (dirty_cells, cell);
    }
}

GtkSorter *
tw_trading_sorter_new (GType       item_type,
                       const char *property,
                       TwCellKind  kind)
{
  GtkExpression *expression;

  if (kind == TW_CELL_BUTTON || property == NULL)
    return NULL;
  expression = gtk_property_expression_new (item_type, NULL, property);
  if (kind == TW_CELL_TEXT || kind == TW_CELL_BROKER_WORD || kind == TW_CELL_ORDER_STATUS
      || kind == TW_CELL_LINES)
    return GTK_SORTER (gtk_string_sorter_new (expression));
  return GTK_SORTER (gtk_numeric_sorter_new (expression));
}

GtkColumnViewColumn *
tw_trading_column_new (const TwCellColumn *info,
                       GType               item_type)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkSorter *sorter;

  if (cell_quark == 0)
    {
      cell_quark = g_quark_from_static_string ("tw-trading-cell");
      scroller_quark = g_quark_from_static_string ("tw-trading-cell-scroller");
      dirty_cells = g_hash_table_new (NULL, NULL);
    }

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), (gpointer) info);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), (gpointer) info);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), (gpointer) info);
  column = gtk_column_view_column_new (info->kind == TW_CELL_BUTTON ? NULL : _(info->title), factory);
  gtk_column_view_column_set_expand (column, info->expand);
  if (info->fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, info->fixed_width);
  gtk_column_view_column_set_resizable (column, info->kind != TW_CELL_BUTTON);
  sorter = tw_trading_sorter_new (item_type, info->property, info->kind);
  if (sorter != NULL)
    {
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
    }
  g_object_set_data (G_OBJECT (column), "tw-column-id", (gpointer) info->id);
  g_object_set_data (G_OBJECT (column), "tw-column-lines", GINT_TO_POINTER (info->kind == TW_CELL_LINES));
  /* Shown only in a compact table. */
  gtk_column_view_column_set_visible (column, info->kind != TW_CELL_LINES);
  return column;
}

const char *
tw_trading_cell_get_text (GtkWidget *widget)
{
  Cell *cell = cell_of (widget);

  if (cell == NULL)
    return NULL;
  if (cell->button != NULL)
    return gtk_button_get_label (cell->button);
  return gtk_label_get_text (cell->label);
}

const char *
tw_trading_cell_get_column (GtkWidget *widget)
{
  Cell *cell = cell_of (widget);

  return cell != NULL ? cell->info->id : NULL;
}

gpointer
tw_trading_cell_get_item (GtkWidget *widget)
{
  Cell *cell = cell_of (widget);

  return cell != NULL ? cell->item : NULL;
}

char *
tw_trading_columns_format (const TwCellColumn *columns,
                           guint               n_columns,
                           const char         *id,
                           gpointer            item)
{
  for (guint i = 0; i < n_columns; i++)
    if (g_str_equal (columns[i].id, id))
      return tw_trading_cell_format (&columns[i], item);
  g_return_val_if_reached (NULL);
}

char *
tw_trading_cell_format (const TwCellColumn *info,
                        gpointer            item)
{
  g_return_val_if_fail (info != NULL && G_IS_OBJECT (item), NULL);

  switch (info->kind)
    {
    case TW_CELL_TEXT:
    case TW_CELL_BROKER_WORD:
      {
        g_autofree char *value = NULL;

        g_object_get (item, info->property, &value, NULL);
        if (info->kind == TW_CELL_BROKER_WORD)
          {
            g_autofree char *raw = g_steal_pointer (&value);

            value = tw_trading_format_broker_word (raw);
          }
        return g_strdup (value != NULL && *value != '\0' ? value : "—");
      }
    case TW_CELL_QTY:
    case TW_CELL_MONEY:
    case TW_CELL_PL:
    case TW_CELL_PL_FRACTION:
      {
        double value = 0;

        g_object_get (item, info->property, &value, NULL);
        switch (info->kind)
          {
          case TW_CELL_QTY:
            return tw_trading_format_qty (value);
          case TW_CELL_MONEY:
            return tw_trading_format_money (value);
          case TW_CELL_PL:
            return tw_trading_format_signed_money (value);
          default:
            return tw_trading_format_signed_percent (value * 100);
          }
      }
    case TW_CELL_AGE:
      {
        gint64 seconds = -1;

        g_object_get (item, info->property, &seconds, NULL);
        return tw_trading_format_age (seconds);
      }
    case TW_CELL_ORDER_STATUS:
      {
        g_autofree char *raw = NULL;
        g_autofree char *status = NULL;
        gboolean stuck = FALSE;

        g_object_get (item, info->property, &raw, "stuck", &stuck, NULL);
        status = tw_trading_format_broker_word (raw);
        if (stuck)
          /* Translators: an order pending for too long; %s is its status, e.g. "accepted" */
          return g_strdup_printf (_("Stuck · %s"), status != NULL ? status : "");
        return g_strdup (status != NULL ? status : "—");
      }
    case TW_CELL_LINES:
      {
        gboolean warning;
        g_autofree char *first = info->lines (item, 0, &warning);
        g_autofree char *second = info->lines (item, 1, &warning);

        return g_strjoin (" · ", first != NULL ? first : "", second, NULL);
      }
    case TW_CELL_BUTTON:
    default:
      g_return_val_if_reached (NULL);
    }
}

static GtkColumnViewColumn *
find_column (GListModel *columns,
             const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "tw-column-id"), id) == 0)
        return column;
    }
  return NULL;
}

/* The column view's own measurement is cached until its next allocation (a second
 * change of a column's visibility in the same frame leaves it stale): each column's
 * minimum is measured from its title and its cells on screen, whose contents do not
 * change with what is shown beside them. */
static void
collect_titles (GtkWidget *root,
                GPtrArray *titles)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "GtkColumnViewTitle"))
        g_ptr_array_add (titles, child);
      else if (!GTK_IS_SCROLLABLE (child))
        collect_titles (child, titles);
    }
}

static void
measure_cells (GtkWidget  *root,
               GHashTable *widths)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      Cell *cell = cell_of (child);

      if (cell != NULL)
        {
          /* The cell's own widget sits in GTK's cell widget, which adds the padding. */
          int min = 0;
          int known = GPOINTER_TO_INT (g_hash_table_lookup (widths, cell->info->id));

          gtk_widget_measure (root, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
          if (min > known)
            g_hash_table_insert (widths, (gpointer) cell->info->id, GINT_TO_POINTER (min));
        }
      else
        measure_cells (child, widths);
    }
}

/* Each column's minimum width (id → width), every column shown. */
static GHashTable *
measure_columns (GtkColumnView *view)
{
  GHashTable *widths = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (columns);

  measure_cells (GTK_WIDGET (view), widths);
  collect_titles (GTK_WIDGET (view), titles);
  for (guint i = 0; i < n && titles->len == n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *id = g_object_get_data (G_OBJECT (column), "tw-column-id");
      int min = 0;

      if (id == NULL)
        continue;
      gtk_widget_measure (g_ptr_array_index (titles, i), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      if (min > GPOINTER_TO_INT (g_hash_table_lookup (widths, id)))
        g_hash_table_insert (widths, (gpointer) id, GINT_TO_POINTER (min));
    }
  return widths;
}

static int
sum_shown (GtkColumnView *view,
           GHashTable    *widths)
{
  GListModel *columns = gtk_column_view_get_columns (view);
  int sum = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *id = g_object_get_data (G_OBJECT (column), "tw-column-id");

      if (id != NULL && gtk_column_view_column_get_visible (column))
        sum += GPOINTER_TO_INT (g_hash_table_lookup (widths, id));
    }
  return sum;
}

int
tw_trading_view_measure (GtkColumnView *view)
{
  int min = 0;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), 0);

  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  return min;
}

static gboolean
is_lines_column (GtkColumnViewColumn *column)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "tw-column-lines"));
}

gboolean
tw_trading_view_fit (GtkColumnView      *view,
                     int                 width,
                     const char * const *hide_order,
                     const char * const *compact,
                     gboolean           *fits)
{
  GListModel *columns;
  GtkColumnViewColumn *actions;
  g_autoptr(GHashTable) widths = NULL;
  guint n, hidden = 0;
  int need, offset;
  gboolean fit, compacted = FALSE;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), FALSE);

  columns = gtk_column_view_get_columns (view);
  n = g_list_model_get_n_items (columns);
  /* Every column shown to be measured, the compact ones too. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      gtk_column_view_column_set_visible (column, TRUE);
    }
  /* A column of the view is moved, not added twice. */
  actions = find_column (columns, "actions");
  if (actions != NULL)
    gtk_column_view_insert_column (view, n - 1, actions);

  /* The view's measurement is fresh after the first change of the frame: what the sum
   * of the columns leaves out (the rows' own padding) is added to every sum. */
  widths = measure_columns (view);
  need = tw_trading_view_measure (view);
  offset = need - sum_shown (view, widths);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (is_lines_column (column))
        gtk_column_view_column_set_visible (column, FALSE);
    }
  need = sum_shown (view, widths) + offset;
  fit = need <= width;
  for (guint i = 0; hide_order != NULL && hide_order[i] != NULL && !fit; i++)
    {
      GtkColumnViewColumn *column = find_column (columns, hide_order[i]);

      if (column == NULL)
        continue;
      gtk_column_view_column_set_visible (column, FALSE);
      hidden++;
      need = sum_shown (view, widths) + offset;
      fit = need <= width;
    }
  /* Only what a narrow row needs: e.g. its two lines and its action. */
  if (!fit && compact != NULL)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
          const char *id = g_object_get_data (G_OBJECT (column), "tw-column-id");

          gtk_column_view_column_set_visible (column, id != NULL && g_strv_contains (compact, id));
        }
      compacted = TRUE;
      need = sum_shown (view, widths) + offset;
      fit = need <= width;
    }
  g_debug ("A table of %u columns fits %d px with %u hidden%s (%d px)%s", n, width, hidden,
           compacted ? ", compact" : "", need, fit ? "" : ", its actions first");
  if (!fit && actions != NULL)
    gtk_column_view_insert_column (view, 0, actions);
  g_object_set_data (G_OBJECT (view), "tw-view-compact", GINT_TO_POINTER (compacted));
  /* Cells of the columns now shown that missed refreshes while hidden. */
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW);

    if (scroller != NULL)
      schedule_flush (scroller);
  }
  if (fits != NULL)
    *fits = fit;
  return hidden > 0 || compacted || !fit;
}

gboolean
tw_trading_view_get_compact (GtkColumnView *view)
{
  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), FALSE);

  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (view), "tw-view-compact"));
}
