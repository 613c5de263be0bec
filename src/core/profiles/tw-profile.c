/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile.h"

#include "tw-enum-types.h"
#include "tw-util.h"

/* The profile object; tw-profile-file.c reads and writes it. */

struct _TwProfile
{
  GObject     parent_instance;

  char       *name;
  TwMode      mode;
  GListStore *services;
  GPtrArray  *databases;
  GPtrArray  *logs;
  gboolean    host_commands;
};

G_DEFINE_FINAL_TYPE (TwProfile, tw_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_MODE,
  PROP_SERVICES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
database_config_free (TwDatabaseConfig *config)
{
  g_free (config->id);
  g_free (config->path);
  g_free (config->backup_dir);
  g_free (config);
}

static void
log_config_free (TwLogConfig *config)
{
  g_free (config->id);
  g_free (config->path);
  g_clear_pointer (&config->options, g_hash_table_unref);
  g_free (config);
}

static void
tw_profile_finalize (GObject *object)
{
  TwProfile *self = (TwProfile *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_object (&self->services);
  g_clear_pointer (&self->databases, g_ptr_array_unref);
  g_clear_pointer (&self->logs, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_profile_parent_class)->finalize (object);
}

static void
tw_profile_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TwProfile *self = TW_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_SERVICES:
      g_value_set_object (value, self->services);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_profile_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TwProfile *self = TW_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      tw_profile_set_name (self, g_value_get_string (value));
      break;
    case PROP_MODE:
      tw_profile_set_mode (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_profile_class_init (TwProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_profile_finalize;
  object_class->get_property = tw_profile_get_property;
  object_class->set_property = tw_profile_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       TW_TYPE_MODE, TW_MODE_PAPER,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SERVICES] =
    g_param_spec_object ("services", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_profile_init (TwProfile *self)
{
  self->name = g_strdup ("");
  self->mode = TW_MODE_PAPER;
  self->services = g_list_store_new (TW_TYPE_SERVICE);
  self->databases = g_ptr_array_new_with_free_func ((GDestroyNotify)database_config_free);
  self->logs = g_ptr_array_new_with_free_func ((GDestroyNotify)log_config_free);
}

/**
 * tw_profile_new:
 * @name: the profile's name (see tw_profile_name_is_valid())
 * @mode: paper or live
 *
 * Returns: (transfer full): an empty profile
 */
TwProfile *
tw_profile_new (const char *name,
                TwMode      mode)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (TW_TYPE_PROFILE,
                       "name", name,
                       "mode", mode,
                       NULL);
}

const char *
tw_profile_get_name (TwProfile *self)
{
  g_return_val_if_fail (TW_IS_PROFILE (self), NULL);

  return self->name;
}

void
tw_profile_set_name (TwProfile  *self,
                     const char *name)
{
  g_return_if_fail (TW_IS_PROFILE (self));
  g_return_if_fail (name != NULL);

  if (tw_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

TwMode
tw_profile_get_mode (TwProfile *self)
{
  g_return_val_if_fail (TW_IS_PROFILE (self), TW_MODE_PAPER);

  return self->mode;
}

void
tw_profile_set_mode (TwProfile *self,
                     TwMode     mode)
{
  g_return_if_fail (TW_IS_PROFILE (self));
  g_return_if_fail (mode == TW_MODE_PAPER || mode == TW_MODE_LIVE);

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/**
 * tw_profile_get_host_commands:
 *
 * Returns: whether the profile lets its commands run on the host from the
 * Flatpak sandbox (%TW_PROFILE_KEY_HOST_COMMANDS in [Profile], default false)
 */
gboolean
tw_profile_get_host_commands (TwProfile *self)
{
  g_return_val_if_fail (TW_IS_PROFILE (self), FALSE);
  return self->host_commands;
}

/* Each of its services carries the permission: what runs a service's commands
 * (its client, a key rotation) has the service, not the profile. */
void
tw_profile_set_host_commands (TwProfile *self,
                              gboolean   allowed)
{
  guint n;

  g_return_if_fail (TW_IS_PROFILE (self));

  self->host_commands = !!allowed;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->services));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      tw_service_set_host_commands (service, self->host_commands);
    }
}

/**
 * tw_profile_get_services:
 *
 * Returns: (transfer none): a #GListModel of #TwService, in the file's order
 */
GListModel *
tw_profile_get_services (TwProfile *self)
{
  g_return_val_if_fail (TW_IS_PROFILE (self), NULL);

  return G_LIST_MODEL (self->services);
}

static gboolean
find_service (TwProfile  *self,
              const char *id,
              guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->services));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      if (g_strcmp0 (tw_service_get_id (service), id) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * tw_profile_lookup_service:
 *
 * Returns: (transfer none) (nullable): the service with @id
 */
TwService *
tw_profile_lookup_service (TwProfile  *self,
                           const char *id)
{
  guint position;
  g_autoptr(TwService) service = NULL;

  g_return_val_if_fail (TW_IS_PROFILE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!find_service (self, id, &position))
    return NULL;

  /* The store keeps its reference: hand out a borrowed pointer. */
  service = g_list_model_get_item (G_LIST_MODEL (self->services), position);
  return service;
}

const char *
tw_profile_get_service_name (TwProfile  *self,
                             const char *id)
{
  TwService *service;

  g_return_val_if_fail (TW_IS_PROFILE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  service = tw_profile_lookup_service (self, id);
  return service != NULL ? tw_service_get_name (service) : id;
}

/* A service with the same id replaces the old one in place. */
void
tw_profile_add_service (TwProfile *self,
                        TwService *service)
{
  guint position;

  g_return_if_fail (TW_IS_PROFILE (self));
  g_return_if_fail (TW_IS_SERVICE (service));

  tw_service_set_host_commands (service, self->host_commands);
  if (find_service (self, tw_service_get_id (service), &position))
    g_list_store_splice (self->services, position, 1, (gpointer *)&service, 1);
  else
    g_list_store_append (self->services, service);
}

gboolean
tw_profile_remove_service (TwProfile  *self,
                           const char *id)
{
  guint position;

  g_return_val_if_fail (TW_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!find_service (self, id, &position))
    return FALSE;
  g_list_store_remove (self->services, position);
  return TRUE;
}

/**
 * tw_profile_get_databases:
 *
 * Returns: (transfer none) (element-type TwDatabaseConfig): the databases
 */
GPtrArray *
tw_profile_get_databases (TwProfile *self)
{
  g_return_val_if_fail (TW_IS_PROFILE (self), NULL);

  return self->databases;
}

/* A database with the same id is replaced. */
void
tw_profile_add_database (TwProfile  *self,
                         const char *id,
                         const char *path,
                         const char *backup_dir,
                         guint       retention_days,
                         guint       schedule_hours)
{
  TwDatabaseConfig *config;

  g_return_if_fail (TW_IS_PROFILE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (path != NULL);

  config = g_new0 (TwDatabaseConfig, 1);
  config->id = g_strdup (id);
  config->path = g_strdup (path);
  config->backup_dir = g_strdup (backup_dir);
  config->retention_days = retention_days;
  config->schedule_hours = schedule_hours;

  for (guint i = 0; i < self->databases->len; i++)
    {
      TwDatabaseConfig *old = g_ptr_array_index (self->databases, i);

      if (g_strcmp0 (old->id, id) == 0)
        {
          database_config_free (old);
          self->databases->pdata[i] = config;
          return;
        }
    }
  g_ptr_array_add (self->databases, config);
}

/**
 * tw_profile_get_logs:
 *
 * Returns: (transfer none) (element-type TwLogConfig): the log files
 */
GPtrArray *
tw_profile_get_logs (TwProfile *self)
{
  g_return_val_if_fail (TW_IS_PROFILE (self), NULL);

  return self->logs;
}

/* A log with the same id is replaced. */
void
tw_profile_add_log (TwProfile  *self,
                    const char *id,
                    const char *path)
{
  TwLogConfig *config;

  g_return_if_fail (TW_IS_PROFILE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (path != NULL);

  config = g_new0 (TwLogConfig, 1);
  config->id = g_strdup (id);
  config->path = g_strdup (path);
  config->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < self->logs->len; i++)
    {
      TwLogConfig *old = g_ptr_array_index (self->logs, i);

      if (g_strcmp0 (old->id, id) == 0)
        {
          log_config_free (old);
          self->logs->pdata[i] = config;
          return;
        }
    }
  g_ptr_array_add (self->logs, config);
}

void
tw_profile_set_log_option (TwProfile  *self,
                           const char *id,
                           const char *key,
                           const char *value)
{
  g_return_if_fail (TW_IS_PROFILE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (key != NULL);

  for (guint i = 0; i < self->logs->len; i++)
    {
      TwLogConfig *config = g_ptr_array_index (self->logs, i);

      if (g_strcmp0 (config->id, id) != 0)
        continue;
      if (value != NULL)
        g_hash_table_replace (config->options, g_strdup (key), g_strdup (value));
      else
        g_hash_table_remove (config->options, key);
      return;
    }
}

gboolean
tw_profile_name_is_valid (const char *name)
{
  gsize len = 0;

  if (name == NULL)
    return FALSE;

  for (const char *p = name; *p; p++, len++)
    {
      if (!(g_ascii_isalnum (*p) || *p == '-' || *p == '_'))
        return FALSE;
    }
  return len >= 1 && len <= 64;
}
