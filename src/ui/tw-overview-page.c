/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-overview-page.h"

#include <glib/gi18n.h>

#include "tw-ui-util.h"

struct _TwOverviewPage
{
  AdwBin       parent_instance;

  TwWorkspace *workspace;
  GListModel  *services;      /* the workspace's, watched for items-changed */
  GPtrArray   *watched;       /* TwService whose state feeds the summary */
  guint        age_timer;

  GtkImage    *summary_icon;
  GtkLabel    *summary_label;
  GtkListBox  *services_list;
};

G_DEFINE_FINAL_TYPE (TwOverviewPage, tw_overview_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_WORKSPACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* @singular and @plural are N_() literals of the callers below. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void
append_count (GString    *str,
              guint       n,
              const char *singular,
              const char *plural)
{
  if (n == 0)
    return;
  if (str->len > 0)
    g_string_append (str, _(", "));
  g_string_append_printf (str, ngettext (singular, plural, n), n);
}
#pragma GCC diagnostic pop

static void
update_summary (TwOverviewPage *self)
{
  guint counts[TW_SERVICE_STATE_ERROR + 1] = { 0, };
  guint n = self->watched->len;
  guint n_stale = 0;
  g_autoptr(GString) str = g_string_new (NULL);
  const char *icon;
  const char *style;

  for (guint i = 0; i < n; i++)
    {
      TwService *service = g_ptr_array_index (self->watched, i);
      TwServiceState state = tw_service_get_state (service);

      if (state <= TW_SERVICE_STATE_ERROR)
        counts[state]++;
      if (state == TW_SERVICE_STATE_OK && tw_service_get_stale (service))
        n_stale++;
    }

  if (n == 0)
    {
      g_string_append (str, _("No services in this profile"));
      icon = "network-server-symbolic";
      style = NULL;
    }
  else if (counts[TW_SERVICE_STATE_OK] == n && n_stale == 0)
    {
      g_string_append_printf (str, ngettext ("%u of %u service OK", "%u of %u services OK", n),
                              counts[TW_SERVICE_STATE_OK], n);
      icon = "emblem-ok-symbolic";
      style = "success";
    }
  else
    {
      append_count (str, counts[TW_SERVICE_STATE_UNREACHABLE],
                    N_("%u service unreachable"), N_("%u services unreachable"));
      append_count (str, counts[TW_SERVICE_STATE_AUTH_FAILED],
                    N_("%u service rejected its credentials"),
                    N_("%u services rejected their credentials"));
      append_count (str, counts[TW_SERVICE_STATE_ERROR],
                    N_("%u service in error"), N_("%u services in error"));
      append_count (str, counts[TW_SERVICE_STATE_DEGRADED],
                    N_("%u service degraded"), N_("%u services degraded"));
      append_count (str, n_stale, N_("%u service stale"), N_("%u services stale"));
      append_count (str, counts[TW_SERVICE_STATE_UNKNOWN],
                    N_("%u service waiting for a first answer"),
                    N_("%u services waiting for a first answer"));
      /* Translators: appended to the list of problems, e.g. " — 4 of 5 OK" */
      g_string_append_printf (str, _(" — %u of %u OK"), counts[TW_SERVICE_STATE_OK], n);

      if (counts[TW_SERVICE_STATE_UNREACHABLE] + counts[TW_SERVICE_STATE_AUTH_FAILED]
          + counts[TW_SERVICE_STATE_ERROR] > 0)
        {
          icon = "dialog-error-symbolic";
          style = "error";
        }
      else if (counts[TW_SERVICE_STATE_DEGRADED] + n_stale > 0)
        {
          icon = "dialog-warning-symbolic";
          style = "warning";
        }
      else
        {
          icon = "content-loading-symbolic";
          style = NULL;
        }
    }

  if (g_strcmp0 (gtk_label_get_label (self->summary_label), str->str) != 0)
    gtk_label_set_label (self->summary_label, str->str);
  gtk_image_set_from_icon_name (self->summary_icon, icon);
  tw_ui_set_status_style (GTK_WIDGET (self->summary_icon), style);
}

static void
unwatch_all (TwOverviewPage *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
service_changed_cb (TwOverviewPage *self)
{
  update_summary (self);
}

static void
rewatch (TwOverviewPage *self)
{
  guint n = self->services != NULL ? g_list_model_get_n_items (self->services) : 0;

  unwatch_all (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (self->services, i);

      g_signal_connect_swapped (service, "notify::state", G_CALLBACK (service_changed_cb), self);
      g_signal_connect_swapped (service, "notify::stale", G_CALLBACK (service_changed_cb), self);
      g_ptr_array_add (self->watched, g_steal_pointer (&service));
    }
  update_summary (self);
}

static void
services_changed_cb (TwOverviewPage *self)
{
  rewatch (self);
}

static GtkWidget *
create_service_row (gpointer item,
                    gpointer user_data)
{
  TwOverviewPage *self = user_data;
  TwService *service = item;
  const char *connector_name = NULL;
  TwClient *client = NULL;

  if (self->workspace != NULL)
    client = tw_workspace_get_client (self->workspace, tw_service_get_id (service));
  if (client != NULL)
    connector_name = tw_connector_get_name (tw_client_get_connector (client));

  return tw_service_row_new (service, connector_name);
}

static void
row_activated_cb (TwOverviewPage *self,
                  GtkListBoxRow  *row)
{
  if (TW_IS_SERVICE_ROW (row))
    tw_service_row_set_expanded (TW_SERVICE_ROW (row),
                                 !tw_service_row_get_expanded (TW_SERVICE_ROW (row)));
}

/* One timer for the whole page, not one per row. */
static gboolean
age_timer_cb (gpointer user_data)
{
  TwOverviewPage *self = user_data;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->services_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (TW_IS_SERVICE_ROW (child))
      tw_service_row_update_age (TW_SERVICE_ROW (child));

  return G_SOURCE_CONTINUE;
}

static void
tw_overview_page_map (GtkWidget *widget)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (widget);

  GTK_WIDGET_CLASS (tw_overview_page_parent_class)->map (widget);

  age_timer_cb (self);
  if (self->age_timer == 0)
    self->age_timer = g_timeout_add_seconds (1, age_timer_cb, self);
}

static void
tw_overview_page_unmap (GtkWidget *widget)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (widget);

  g_clear_handle_id (&self->age_timer, g_source_remove);

  GTK_WIDGET_CLASS (tw_overview_page_parent_class)->unmap (widget);
}

static void
tw_overview_page_dispose (GObject *object)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (object);

  g_clear_handle_id (&self->age_timer, g_source_remove);
  tw_overview_page_set_workspace (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_OVERVIEW_PAGE);

  G_OBJECT_CLASS (tw_overview_page_parent_class)->dispose (object);
}

static void
tw_overview_page_finalize (GObject *object)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (object);

  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_overview_page_parent_class)->finalize (object);
}

static void
tw_overview_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_overview_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      tw_overview_page_set_workspace (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_overview_page_class_init (TwOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_overview_page_dispose;
  object_class->finalize = tw_overview_page_finalize;
  object_class->get_property = tw_overview_page_get_property;
  object_class->set_property = tw_overview_page_set_property;
  widget_class->map = tw_overview_page_map;
  widget_class->unmap = tw_overview_page_unmap;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, TW_TYPE_WORKSPACE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TW_TYPE_SERVICE_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, services_list);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
tw_overview_page_init (TwOverviewPage *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  update_summary (self);
}

GtkWidget *
tw_overview_page_new (void)
{
  return g_object_new (TW_TYPE_OVERVIEW_PAGE, NULL);
}

TwWorkspace *
tw_overview_page_get_workspace (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);

  return self->workspace;
}

void
tw_overview_page_set_workspace (TwOverviewPage *self,
                                TwWorkspace    *workspace)
{
  g_return_if_fail (TW_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (workspace == NULL || TW_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  if (self->services != NULL)
    g_signal_handlers_disconnect_by_data (self->services, self);
  g_clear_object (&self->services);
  g_set_object (&self->workspace, workspace);

  if (workspace != NULL)
    {
      self->services = g_object_ref (tw_workspace_get_services (workspace));
      g_signal_connect_swapped (self->services, "items-changed",
                                G_CALLBACK (services_changed_cb), self);
    }
  /* The list box is NULL once the template is disposed. */
  if (self->services_list != NULL)
    gtk_list_box_bind_model (self->services_list, self->services,
                             create_service_row, self, NULL);
  rewatch (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

const char *
tw_overview_page_get_summary (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);

  return gtk_label_get_label (self->summary_label);
}

TwServiceRow *
tw_overview_page_get_row (TwOverviewPage *self,
                          const char     *service_id)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->services_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (TW_IS_SERVICE_ROW (child)
        && g_strcmp0 (tw_service_get_id (tw_service_row_get_service (TW_SERVICE_ROW (child))),
                      service_id) == 0)
      return TW_SERVICE_ROW (child);

  return NULL;
}
