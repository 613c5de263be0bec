/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-close-position-dialog.h"
#include "tw-close-position-dialog-private.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tw-trading-format.h"

struct _TwClosePositionDialog
{
  AdwMessageDialog  parent_instance;

  TwPosition       *position;
  gboolean          whole_only;
  char             *summary;

  GtkCheckButton   *all_check;
  GtkCheckButton   *qty_check;
  GtkCheckButton   *percentage_check;
  GtkSpinButton    *qty_spin;
  GtkSpinButton    *percentage_spin;
  GtkAdjustment    *qty_adjustment;
  GtkWidget        *presets_box;
  GtkWidget        *preset25;
  GtkWidget        *preset50;
  GtkWidget        *preset75;
  GtkWidget        *preset100;
  GtkLabel         *whole_only_label;
  GtkLabel         *summary_label;
};

G_DEFINE_FINAL_TYPE (TwClosePositionDialog, tw_close_position_dialog, ADW_TYPE_MESSAGE_DIALOG)

static double
held (TwClosePositionDialog *self)
{
  return fabs (tw_position_get_qty (self->position));
}

static void
update (TwClosePositionDialog *self)
{
  TwCloseMode mode;
  const char *symbol;
  g_autofree char *all = NULL;
  g_autofree char *button = NULL;
  gboolean valid = TRUE;

  if (self->position == NULL)
    return;
  mode = tw_close_position_dialog_get_mode (self);
  symbol = tw_position_get_symbol (self->position);
  all = tw_trading_format_qty (held (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->qty_spin), mode == TW_CLOSE_QUANTITY);
  gtk_widget_set_sensitive (GTK_WIDGET (self->percentage_spin), mode == TW_CLOSE_PERCENTAGE);

  g_free (self->summary);
  switch (mode)
    {
    case TW_CLOSE_QUANTITY:
      {
        double qty = gtk_spin_button_get_value (self->qty_spin);
        g_autofree char *part = tw_trading_format_qty (qty);

        valid = qty > 0 && qty <= held (self);
        /* Translators: e.g. "Closes 10 of 50 AAPL" */
        self->summary = g_strdup_printf (_("Closes %s of %s %s"), part, all, symbol);
        /* Translators: the close button, e.g. "Close 10 AAPL…" */
        button = g_strdup_printf (_("Close %s %s…"), part, symbol);
      }
      break;
    case TW_CLOSE_PERCENTAGE:
      {
        double percentage = gtk_spin_button_get_value (self->percentage_spin);

        valid = percentage > 0 && percentage <= 100;
        /* Translators: e.g. "Closes 50 % of 50 AAPL" */
        self->summary = g_strdup_printf (_("Closes %.0f %% of %s %s"), percentage, all, symbol);
        /* Translators: the close button, e.g. "Close 50 % of AAPL…" */
        button = g_strdup_printf (_("Close %.0f %% of %s…"), percentage, symbol);
      }
      break;
    case TW_CLOSE_ALL:
    default:
      /* Translators: e.g. "Closes all 50 AAPL" */
      self->summary = g_strdup_printf (_("Closes all %s %s"), all, symbol);
      /* Translators: the close button, e.g. "Close 50 AAPL…" */
      button = g_strdup_printf (_("Close %s %s…"), all, symbol);
      break;
    }
  gtk_label_set_text (self->summary_label, self->summary);
  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "close", button);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "close", valid);
}

static void
mode_toggled_cb (TwClosePositionDialog *self)
{
  update (self);
}

static void
amount_changed_cb (TwClosePositionDialog *self)
{
  update (self);
}

static void
preset_clicked_cb (TwClosePositionDialog *self,
                   GtkButton             *button)
{
  double value = 25;

  if ((GtkWidget *) button == self->preset50)
    value = 50;
  else if ((GtkWidget *) button == self->preset75)
    value = 75;
  else if ((GtkWidget *) button == self->preset100)
    value = 100;
  gtk_check_button_set_active (self->percentage_check, TRUE);
  gtk_spin_button_set_value (self->percentage_spin, value);
  update (self);
}

static void
tw_close_position_dialog_dispose (GObject *object)
{
  TwClosePositionDialog *self = TW_CLOSE_POSITION_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_CLOSE_POSITION_DIALOG);
  g_clear_object (&self->position);

  G_OBJECT_CLASS (tw_close_position_dialog_parent_class)->dispose (object);
}

static void
tw_close_position_dialog_finalize (GObject *object)
{
  TwClosePositionDialog *self = TW_CLOSE_POSITION_DIALOG (object);

  g_free (self->summary);

  G_OBJECT_CLASS (tw_close_position_dialog_parent_class)->finalize (object);
}

static void
tw_close_position_dialog_class_init (TwClosePositionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_close_position_dialog_dispose;
  object_class->finalize = tw_close_position_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-close-position-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, all_check);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, qty_check);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, percentage_check);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, qty_spin);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, percentage_spin);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, qty_adjustment);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, presets_box);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, preset25);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, preset50);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, preset75);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, preset100);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, whole_only_label);
  gtk_widget_class_bind_template_child (widget_class, TwClosePositionDialog, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, amount_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, preset_clicked_cb);
}

static void
tw_close_position_dialog_init (TwClosePositionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tw_close_position_dialog_new (GtkWindow  *parent,
                              TwPosition *position,
                              gboolean    whole_only)
{
  TwClosePositionDialog *self;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *qty = NULL;
  g_autofree char *pl = NULL;
  g_autofree char *side_word = NULL;
  const char *side;

  g_return_val_if_fail (TW_IS_POSITION (position), NULL);

  self = g_object_new (TW_TYPE_CLOSE_POSITION_DIALOG, "transient-for", parent, NULL);
  self->position = g_object_ref (position);
  self->whole_only = whole_only;

  side = side_word = tw_trading_format_broker_word (tw_position_get_side (position));
  qty = tw_trading_format_qty (tw_position_get_qty (position));
  pl = tw_trading_format_signed_money (tw_position_get_unrealized_pl (position));
  /* Translators: the close dialog's heading; %s is a symbol */
  heading = g_strdup_printf (_("Close %s?"), tw_position_get_symbol (position));
  /* Translators: the service, side, quantity and unrealized P/L of the position to close */
  body = g_strdup_printf (_("%s · %s %s · unrealized P/L %s. A market order closes it at once."),
                          tw_position_get_service_name (position) != NULL
                          ? tw_position_get_service_name (position) : tw_position_get_service_id (position),
                          side != NULL ? side : "", qty, pl);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  gtk_adjustment_set_upper (self->qty_adjustment, MAX (1, held (self)));
  gtk_spin_button_set_value (self->qty_spin, MAX (1, floor (held (self) / 2)));
  if (held (self) != floor (held (self)))
    gtk_spin_button_set_digits (self->qty_spin, 4);

  gtk_widget_set_sensitive (GTK_WIDGET (self->qty_check), !whole_only);
  gtk_widget_set_sensitive (GTK_WIDGET (self->percentage_check), !whole_only);
  gtk_widget_set_sensitive (self->presets_box, !whole_only);
  gtk_widget_set_visible (GTK_WIDGET (self->whole_only_label), whole_only);
  update (self);
  return GTK_WIDGET (self);
}

TwPosition *
tw_close_position_dialog_get_position (TwClosePositionDialog *self)
{
  g_return_val_if_fail (TW_IS_CLOSE_POSITION_DIALOG (self), NULL);

  return self->position;
}

TwCloseMode
tw_close_position_dialog_get_mode (TwClosePositionDialog *self)
{
  g_return_val_if_fail (TW_IS_CLOSE_POSITION_DIALOG (self), TW_CLOSE_ALL);

  if (gtk_check_button_get_active (self->qty_check))
    return TW_CLOSE_QUANTITY;
  if (gtk_check_button_get_active (self->percentage_check))
    return TW_CLOSE_PERCENTAGE;
  return TW_CLOSE_ALL;
}

double
tw_close_position_dialog_get_qty (TwClosePositionDialog *self)
{
  g_return_val_if_fail (TW_IS_CLOSE_POSITION_DIALOG (self), 0);

  if (tw_close_position_dialog_get_mode (self) != TW_CLOSE_QUANTITY)
    return 0;
  return gtk_spin_button_get_value (self->qty_spin);
}

double
tw_close_position_dialog_get_percentage (TwClosePositionDialog *self)
{
  g_return_val_if_fail (TW_IS_CLOSE_POSITION_DIALOG (self), 0);

  if (tw_close_position_dialog_get_mode (self) != TW_CLOSE_PERCENTAGE)
    return 0;
  return gtk_spin_button_get_value (self->percentage_spin);
}

void
tw_close_position_dialog_set_percentage (TwClosePositionDialog *self,
                                         double                 percentage)
{
  GtkWidget *preset = NULL;

  g_return_if_fail (TW_IS_CLOSE_POSITION_DIALOG (self));

  if (self->whole_only)
    return;
  if (percentage == 25)
    preset = self->preset25;
  else if (percentage == 50)
    preset = self->preset50;
  else if (percentage == 75)
    preset = self->preset75;
  else if (percentage == 100)
    preset = self->preset100;
  if (preset != NULL)
    {
      g_signal_emit_by_name (preset, "clicked");
      return;
    }
  gtk_check_button_set_active (self->percentage_check, TRUE);
  gtk_spin_button_set_value (self->percentage_spin, percentage);
}

const char *
tw_close_position_dialog_get_summary (TwClosePositionDialog *self)
{
  g_return_val_if_fail (TW_IS_CLOSE_POSITION_DIALOG (self), NULL);

  return self->summary;
}
