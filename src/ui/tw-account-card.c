/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-account-card.h"
#include "tw-account-card-private.h"

#include <glib/gi18n.h>

#include "tw-trading-format.h"
#include "tw-ui-util.h"

struct _TwAccountCard
{
  AdwPreferencesGroup parent_instance;

  TwAccount          *account;
  char               *day_pl_text;
  char               *blocked_text;

  GtkLabel           *mode_label;
  GtkButton          *flatten_button;
  GtkStack           *banner_slot;
  GtkWidget          *banner_box;
  GtkImage           *banner_image;
  GtkLabel           *banner_label;
  GtkLabel           *equity_caption;
  GtkLabel           *equity_label;
  GtkImage           *day_pl_image;
  GtkLabel           *day_pl_label;
  GtkLabel           *buying_power_label;
  GtkLabel           *cash_label;
  char               *age_text;
  char               *problem_text;    /* stale or the last poll's error, NULL when none */
  char               *mode_text;       /* the broker's mode against the profile's, NULL when they agree */
  gboolean            mode_error;      /* a LIVE account under a PAPER profile */
  TwMode              profile_mode;
  gboolean            profile_mode_set;
};

G_DEFINE_FINAL_TYPE (TwAccountCard, tw_account_card, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_money (GtkLabel   *label,
           double      value)
{
  g_autofree char *number = tw_trading_format_money (value);

  gtk_label_set_text (label, number);
}

static char *
describe_blocks (TwAccount *account)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new ();

  if (tw_account_get_trading_blocked (account))
    g_ptr_array_add (words, (gpointer) _("trading blocked"));
  if (tw_account_get_account_blocked (account))
    g_ptr_array_add (words, (gpointer) _("account blocked"));
  if (tw_account_get_trade_suspended_by_user (account))
    g_ptr_array_add (words, (gpointer) _("trading suspended by user"));
  if (words->len == 0)
    return NULL;
  g_ptr_array_add (words, NULL);
  {
    g_autofree char *joined = g_strjoinv (", ", (char **) words->pdata);

    /* Translators: the account's blocks as the broker reports them, e.g. "trading blocked" */
    return g_strdup_printf (_("Blocked by the broker: %s"), joined);
  }
}

/* The broker's mode against the profile's: NULL when they agree or either is unknown. */
static char *
describe_mode_mismatch (TwAccountCard *self,
                        gboolean      *error)
{
  gboolean paper;

  *error = FALSE;
  if (!self->profile_mode_set || !tw_account_get_paper_known (self->account))
    return NULL;
  paper = tw_account_get_paper (self->account);
  if (paper == (self->profile_mode == TW_MODE_PAPER))
    return NULL;
  if (!paper)
    {
      /* Real money where the operator expects none: the louder of the two. */
      *error = TRUE;
      return g_strdup (_("LIVE account in a PAPER profile: orders here trade real money"));
    }
  return g_strdup (_("PAPER account in a LIVE profile: orders here are not real"));
}

/* One banner in the card's kept place: the blocks, the mode, the staleness, worst first;
 * all of it in the tooltip when two lines do not hold it. */
static void
update_banner (TwAccountCard *self)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  gboolean error = self->blocked_text != NULL || (self->mode_text != NULL && self->mode_error);
  g_autofree char *text = NULL;

  if (self->blocked_text != NULL)
    g_ptr_array_add (lines, self->blocked_text);
  if (self->mode_text != NULL)
    g_ptr_array_add (lines, self->mode_text);
  if (self->problem_text != NULL)
    g_ptr_array_add (lines, self->problem_text);
  if (lines->len == 0)
    {
      gtk_stack_set_visible_child_name (self->banner_slot, "clear");
      gtk_label_set_text (self->banner_label, "");
      tw_ui_set_tooltip_text (GTK_WIDGET (self->banner_label), NULL);
      return;
    }
  g_ptr_array_add (lines, NULL);
  text = g_strjoinv ("\n", (char **) lines->pdata);
  gtk_label_set_text (self->banner_label, text);
  tw_ui_set_tooltip_text (GTK_WIDGET (self->banner_label), text);
  tw_ui_set_icon_name (self->banner_image,
                                error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (self->banner_box, error ? "warning" : "error");
  gtk_widget_add_css_class (self->banner_box, error ? "error" : "warning");
  if (error)
    gtk_widget_remove_css_class (GTK_WIDGET (self->banner_image), "warning");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->banner_image), "warning");
  gtk_stack_set_visible_child_name (self->banner_slot, "banner");
}

/* "ACTIVE · updated 3 s ago": the broker's account status and the data age. */
static void
update_description (TwAccountCard *self)
{
  const char *status = tw_account_get_status (self->account);
  g_autofree char *text = NULL;

  /* Translators: the account's status as the broker says it, then the data age */
  text = g_strdup_printf (_("%s · %s"), status != NULL ? status : _("status unknown"),
                          self->age_text != NULL ? self->age_text : _("no answer yet"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), text);
}

static void
update (TwAccountCard *self)
{
  TwAccount *account = self->account;
  const char *currency = tw_account_get_currency (account);
  const char *name = tw_account_get_service_name (account);
  gboolean paper = tw_account_get_paper (account);
  double day_pl = tw_account_get_day_pl (account);
  g_autofree char *pl = tw_trading_format_signed_money (day_pl);
  g_autofree char *pct = tw_trading_format_signed_percent (tw_account_get_day_pl_percent (account));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self),
                                   name != NULL ? name : tw_account_get_service_id (account));

  if (!tw_account_get_paper_known (account))
    gtk_label_set_text (self->mode_label, _("PAPER?"));
  else
    gtk_label_set_text (self->mode_label, paper ? _("PAPER") : _("LIVE"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->mode_label), paper ? "live" : "paper");
  gtk_widget_add_css_class (GTK_WIDGET (self->mode_label), paper ? "paper" : "live");

  set_money (self->equity_label, tw_account_get_equity (account));
  set_money (self->buying_power_label, tw_account_get_buying_power (account));
  set_money (self->cash_label, tw_account_get_cash (account));
  if (currency != NULL && *currency != '\0')
    {
      /* Translators: the equity caption with the account's currency, e.g. "Equity (USD)" */
      g_autofree char *caption = g_strdup_printf (_("Equity (%s)"), currency);

      gtk_label_set_text (self->equity_caption, caption);
    }
  update_description (self);

  g_free (self->day_pl_text);
  /* Translators: the day's P/L in money and percent, e.g. "+250.37 (+0.25 %)" */
  self->day_pl_text = g_strdup_printf (_("%s (%s)"), pl, pct);
  tw_trading_show_pl (self->day_pl_image, self->day_pl_label, day_pl, self->day_pl_text);

  g_free (self->blocked_text);
  self->blocked_text = describe_blocks (account);
  g_free (self->mode_text);
  self->mode_text = describe_mode_mismatch (self, &self->mode_error);
  update_banner (self);
}

/* Off screen (the Positions page not shown), the card waits to be mapped: no work per
 * poll answer. */
static void
update_notify_cb (TwAccountCard *self)
{
  tw_ui_update_when_mapped (GTK_WIDGET (self), (TwUiUpdateFunc) update);
}

static void
tw_account_card_constructed (GObject *object)
{
  TwAccountCard *self = TW_ACCOUNT_CARD (object);

  G_OBJECT_CLASS (tw_account_card_parent_class)->constructed (object);

  g_return_if_fail (TW_IS_ACCOUNT (self->account));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->flatten_button), "s",
                                    tw_account_get_service_id (self->account));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->flatten_button), "positions.flatten");
  g_signal_connect_object (self->account, "notify", G_CALLBACK (update_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
tw_account_card_dispose (GObject *object)
{
  TwAccountCard *self = TW_ACCOUNT_CARD (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_ACCOUNT_CARD);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (tw_account_card_parent_class)->dispose (object);
}

static void
tw_account_card_finalize (GObject *object)
{
  TwAccountCard *self = TW_ACCOUNT_CARD (object);

  g_free (self->day_pl_text);
  g_free (self->blocked_text);
  g_free (self->age_text);
  g_free (self->problem_text);
  g_free (self->mode_text);

  G_OBJECT_CLASS (tw_account_card_parent_class)->finalize (object);
}

static void
tw_account_card_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TwAccountCard *self = TW_ACCOUNT_CARD (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_account_card_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TwAccountCard *self = TW_ACCOUNT_CARD (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_account_card_class_init (TwAccountCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tw_account_card_constructed;
  object_class->dispose = tw_account_card_dispose;
  object_class->finalize = tw_account_card_finalize;
  object_class->get_property = tw_account_card_get_property;
  object_class->set_property = tw_account_card_set_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, TW_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-account-card.ui");
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, mode_label);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, flatten_button);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, banner_slot);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, banner_box);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, banner_image);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, banner_label);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, equity_caption);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, equity_label);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, day_pl_image);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, day_pl_label);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, buying_power_label);
  gtk_widget_class_bind_template_child (widget_class, TwAccountCard, cash_label);
}

static void
tw_account_card_init (TwAccountCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tw_account_card_new (TwAccount *account)
{
  g_return_val_if_fail (TW_IS_ACCOUNT (account), NULL);

  return g_object_new (TW_TYPE_ACCOUNT_CARD, "account", account, NULL);
}

TwAccount *
tw_account_card_get_account (TwAccountCard *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT_CARD (self), NULL);

  return self->account;
}

const char *
tw_account_card_get_mode_text (TwAccountCard *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT_CARD (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return gtk_label_get_text (self->mode_label);
}

const char *
tw_account_card_get_day_pl_text (TwAccountCard *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT_CARD (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return gtk_label_get_text (self->day_pl_label);
}

const char *
tw_account_card_get_blocked_text (TwAccountCard *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT_CARD (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return self->blocked_text;
}

void
tw_account_card_set_state (TwAccountCard *self,
                           const char    *age_text,
                           gboolean       stale,
                           const char    *error)
{
  g_return_if_fail (TW_IS_ACCOUNT_CARD (self));

  g_free (self->age_text);
  self->age_text = g_strdup (age_text);
  update_description (self);
  g_free (self->problem_text);
  if (error != NULL)
    self->problem_text = stale
                         /* Translators: the figures are old, then the last poll's error */
                         ? g_strdup_printf (_("Stale: these figures are not current. %s"), error)
                         : g_strdup (error);
  else if (stale)
    self->problem_text = g_strdup (_("Stale: these figures are not current"));
  else
    self->problem_text = NULL;
  update_banner (self);
}

void
tw_account_card_set_profile_mode (TwAccountCard *self,
                                  TwMode         mode)
{
  g_return_if_fail (TW_IS_ACCOUNT_CARD (self));

  if (self->profile_mode_set && self->profile_mode == mode)
    return;
  self->profile_mode = mode;
  self->profile_mode_set = TRUE;
  tw_ui_update_when_mapped (GTK_WIDGET (self), (TwUiUpdateFunc) update);
}

const char *
tw_account_card_get_mode_warning_text (TwAccountCard *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT_CARD (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return self->mode_text;
}

const char *
tw_account_card_get_problem_text (TwAccountCard *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT_CARD (self), NULL);
  tw_ui_flush_update (GTK_WIDGET (self));

  return self->problem_text;
}
