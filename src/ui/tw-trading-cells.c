/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-trading-cells.h"

#include <glib/gi18n.h>

#include "tw-trading-format.h"
#include "tw-ui-util.h"

/* What one cell widget remembers: its column, its item while bound, its signal ids. */
typedef struct
{
  const TwCellColumn *info;
  GObject            *item;      /* weak: between bind and unbind only */
  gulong              ids[2];
  GtkLabel           *label;
  GtkImage           *image;
  GtkButton          *button;
} Cell;

static GQuark cell_quark;

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
      {
        g_autofree char *value = NULL;

        g_object_get (cell->item, info->property, &value, NULL);
        gtk_label_set_text (cell->label, value != NULL && *value != '\0' ? value : "—");
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
        if (stuck)
          /* Translators: an order pending for too long; %s is its status, e.g. "accepted" */
          text = g_strdup_printf (_("Stuck · %s"), status != NULL ? status : "");
        gtk_label_set_text (cell->label, text != NULL ? text : status != NULL ? status : "—");
        gtk_widget_set_visible (GTK_WIDGET (cell->image), stuck);
        tw_ui_set_status_style (GTK_WIDGET (cell->label), stuck ? "warning" : NULL);
        tw_ui_set_status_style (GTK_WIDGET (cell->image), stuck ? "warning" : NULL);
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
            gtk_widget_set_tooltip_text (GTK_WIDGET (cell->button), text);
            gtk_accessible_update_property (GTK_ACCESSIBLE (cell->button),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
          }
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

guint tw_dbg_calls; gint64 tw_dbg_us;
static void
item_notify_cb (GObject    *item,
                GParamSpec *pspec,
                GtkWidget  *widget)
{
  gint64 t = g_get_monotonic_time ();
  update_cell (widget);
  tw_dbg_calls++; tw_dbg_us += g_get_monotonic_time () - t;
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
          gtk_image_set_from_icon_name (cell->image, "dialog-warning-symbolic");
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
      break;
    case TW_CELL_TEXT:
      widget = gtk_label_new (NULL);
      cell->label = GTK_LABEL (widget);
      gtk_label_set_xalign (cell->label, 0);
      break;
    default:
      widget = gtk_label_new (NULL);
      cell->label = GTK_LABEL (widget);
      gtk_label_set_xalign (cell->label, 1);
      gtk_widget_add_css_class (widget, "numeric");
      break;
    }
  g_object_set_qdata_full (G_OBJECT (widget), cell_quark, cell, g_free);
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
  if (info->kind == TW_CELL_BUTTON)
    {
      cell->ids[0] = g_signal_connect_object (item, "notify::busy", G_CALLBACK (item_notify_cb), widget, 0);
    }
  else
    {
      detail = g_strconcat ("notify::", info->property, NULL);
      cell->ids[0] = g_signal_connect_object (item, detail, G_CALLBACK (item_notify_cb), widget, 0);
      if (info->kind == TW_CELL_ORDER_STATUS)
        cell->ids[1] = g_signal_connect_object (item, "notify::stuck", G_CALLBACK (item_notify_cb), widget, 0);
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
  if (kind == TW_CELL_TEXT || kind == TW_CELL_ORDER_STATUS)
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
    cell_quark = g_quark_from_static_string ("tw-trading-cell");

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), (gpointer) info);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), (gpointer) info);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), (gpointer) info);
  column = gtk_column_view_column_new (info->kind == TW_CELL_BUTTON ? NULL : _(info->title), factory);
  gtk_column_view_column_set_expand (column, info->expand);
  gtk_column_view_column_set_resizable (column, info->kind != TW_CELL_BUTTON);
  sorter = tw_trading_sorter_new (item_type, info->property, info->kind);
  if (sorter != NULL)
    {
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
    }
  g_object_set_data (G_OBJECT (column), "tw-column-id", (gpointer) info->id);
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
