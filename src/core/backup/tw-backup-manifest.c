/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The manifest beside each backup (BACKUP.manifest): the size and SHA-256 of the file
 * taken when it was made, and the schema of the database it was taken from. SQLite keeps
 * no checksum of its pages, so without it a changed byte inside a row passes every
 * integrity check. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tw-backup-private.h"
#include "tw-crypto.h"
#include "tw-error.h"
#include "tw-json.h"
#include "tw-sqlite-util.h"

#define MANIFEST_FORMAT "tradewarden-backup-manifest-1"
#define MANIFEST_MAX_BYTES (64 * 1024)

char *
_tw_backup_manifest_path (const char *backup_path)
{
  return g_strconcat (backup_path, ".manifest", NULL);
}

gboolean
_tw_file_sha256 (const char    *path,
                 char         **sha256,
                 guint64       *size,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree guchar *buffer = g_malloc (1 << 20);
  gcry_md_hd_t md = NULL;
  gcry_error_t gcry_error;
  guint64 total = 0;
  int fd, saved = 0;
  ssize_t n;

  tw_crypto_init ();

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("Could not read “%s”: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  gcry_error = gcry_md_open (&md, GCRY_MD_SHA256, 0);
  if (gcry_error != 0)
    {
      close (fd);
      /* Translators: the second %s is libgcrypt's reason, in English. */
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not compute a checksum of “%s”: %s"),
                   path, gcry_strerror (gcry_error));
      return FALSE;
    }

  while ((n = read (fd, buffer, 1 << 20)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          break;
        }
      gcry_md_write (md, buffer, n);
      total += n;
      if (g_cancellable_is_cancelled (cancellable))
        break;
    }
  close (fd);

  if (saved != 0 || g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      if (saved != 0)
        g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not read “%s”: %s"), path,
                     g_strerror (saved));
      gcry_md_close (md);
      return FALSE;
    }

  {
    const guchar *digest = gcry_md_read (md, GCRY_MD_SHA256);
    GString *hex = g_string_sized_new (64);

    for (guint i = 0; i < 32; i++)
      g_string_append_printf (hex, "%02x", digest[i]);
    *sha256 = g_string_free (hex, FALSE);
  }
  gcry_md_close (md);
  if (size != NULL)
    *size = total;

  return TRUE;
}

gboolean
_tw_backup_write_manifest (const char  *backup_path,
                           const char  *tmp_template,
                           guint64      size,
                           const char  *sha256,
                           const char  *source_path,
                           const char  *source_schema,
                           GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *name = g_path_get_basename (backup_path);
  g_autofree char *manifest = _tw_backup_manifest_path (backup_path);
  g_autofree char *tmp = g_strdup (tmp_template);
  g_autofree char *text = NULL;
  gsize length;
  int fd;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, MANIFEST_FORMAT);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) size);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, sha256);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, source_path);
  json_builder_set_member_name (builder, "source_schema");
  if (source_schema != NULL)
    json_builder_add_string_value (builder, source_schema);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &length);

  /* Written under a temporary name of the backup folder (swept like the others when a
   * crash leaves it), flushed, then renamed. */
  fd = _tw_temp_file_create (tmp, error);
  if (fd < 0)
    return FALSE;
  if (write (fd, text, length) != (ssize_t) length || fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      g_unlink (tmp);
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not write the manifest “%s”: %s"),
                   manifest, g_strerror (saved));
      return FALSE;
    }
  if (g_rename (tmp, manifest) != 0)
    {
      int saved = errno;

      close (fd);
      g_unlink (tmp);
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not write the manifest “%s”: %s"),
                   manifest, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  return TRUE;
}

gboolean
_tw_backup_read_manifest (const char  *backup_path,
                          gboolean    *exists,
                          guint64     *size,
                          char       **sha256,
                          char       **source_schema,
                          GError     **error)
{
  g_autofree char *manifest = _tw_backup_manifest_path (backup_path);
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *sum;
  gsize length;
  GStatBuf st;

  *exists = FALSE;
  if (g_lstat (manifest, &st) != 0)
    return TRUE;   /* none: an older backup, or one made by hand */
  *exists = TRUE;

  if (!S_ISREG (st.st_mode) || st.st_size > MANIFEST_MAX_BYTES
      || !g_file_get_contents (manifest, &text, &length, &local_error))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("its manifest “%s” cannot be read%s%s"),
                   manifest, local_error != NULL ? ": " : "",
                   local_error != NULL ? local_error->message : "");
      return FALSE;
    }
  root = tw_json_parse (text, length, &local_error);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  sum = object != NULL ? json_object_get_string_member_with_default (object, "sha256", NULL) : NULL;
  if (object == NULL
      || g_strcmp0 (json_object_get_string_member_with_default (object, "format", NULL),
                    MANIFEST_FORMAT) != 0
      || sum == NULL || strlen (sum) != 64
      || !json_object_has_member (object, "size")
      || json_node_get_value_type (json_object_get_member (object, "size")) != G_TYPE_INT64
      || json_object_get_int_member (object, "size") < 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("its manifest “%s” is not a manifest "
                                                        "of a backup"), manifest);
      return FALSE;
    }

  *size = (guint64) json_object_get_int_member (object, "size");
  *sha256 = g_ascii_strdown (sum, -1);
  *source_schema = g_strdup (json_object_get_string_member_with_default (object, "source_schema",
                                                                         NULL));
  return TRUE;
}
