/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A log source that is a file (or a date pattern's files): opened with its end indexed
 * first, then followed through appends, rename and copy-truncate rotations, a line cut
 * by a rotation, and the next day's file. Runs in the source's worker thread. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tw-log-private.h"
#include "tw-log-source-private.h"

/* The end of a file indexed first: what the first screen shows. */
#define TAIL_BYTES (256 * 1024)

static TwLogSegment *
open_segment (const char  *path,
              char       **problem)
{
  struct stat st;
  TwLogSegment *segment;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved = errno;
      if (saved == ENOENT)
        *problem = g_strdup_printf (_("%s does not exist (yet): waiting for it."), path);
      else
        *problem = g_strdup_printf (_("Could not open %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      *problem = g_strdup_printf (_("%s is not a regular file."), path);
      close (fd);
      return NULL;
    }
  segment = _tw_log_segment_new (path, fd, st.st_dev, st.st_ino);
  segment->n_head_bytes = MAX (pread (fd, segment->head_bytes, sizeof segment->head_bytes, 0), 0);
  return segment;
}

/* Indexes a new segment: its end first, published, then the rest. */
static void
index_new_segment (TwLogSource  *self,
                   TwLogSegment *segment,
                   gboolean      tail_first,
                   GCancellable *cancellable)
{
  struct stat st;
  guint64 size, tail_start = 0;

  if (fstat (segment->fd, &st) != 0)
    return;
  size = st.st_size;
  if (tail_first && size > TAIL_BYTES)
    {
      char buf[4096];
      guint64 pos = size - TAIL_BYTES;
      gboolean found = FALSE;

      /* The tail starts after the first newline at or after size - TAIL_BYTES. */
      while (!found && pos < size)
        {
          gssize got = pread (segment->fd, buf, sizeof buf, pos);
          const char *nl;

          if (got <= 0)
            break;
          if ((nl = memchr (buf, '\n', got)) != NULL)
            {
              tail_start = pos + (nl - buf) + 1;
              found = TRUE;
            }
          else
            pos += got;
        }
      if (!found)
        tail_start = 0;
    }
  g_mutex_lock (&segment->lock);
  segment->tail.start = segment->tail.end = tail_start;
  segment->head_done = tail_start == 0;
  g_mutex_unlock (&segment->lock);

  _tw_log_segment_index (segment, &segment->tail, tail_start, size, cancellable);
  g_mutex_lock (&self->lock);
  self->last_size = size;
  g_mutex_unlock (&self->lock);
  _tw_log_source_post (self, FALSE, NULL, -1);

  if (tail_start > 0)
    {
      _tw_log_segment_index (segment, &segment->head, 0, tail_start, cancellable);
      g_mutex_lock (&segment->lock);
      segment->head_done = TRUE;
      g_mutex_unlock (&segment->lock);
      _tw_log_source_post (self, FALSE, NULL, -1);
    }
}

/* A copy-truncated file's copy: beside it, its name starting with the file's, at least
 * as long as what was indexed, with the same first bytes. */
static int
find_copy (TwLogSegment *segment,
           guint64       indexed)
{
  g_autofree char *dir = g_path_get_dirname (segment->path);
  g_autofree char *base = g_path_get_basename (segment->path);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *full = NULL;
      char head[sizeof segment->head_bytes];
      struct stat st;
      int fd;

      if (!g_str_has_prefix (name, base) || g_str_equal (name, base))
        continue;
      full = g_build_filename (dir, name, NULL);
      fd = g_open (full, O_RDONLY | O_CLOEXEC, 0);
      if (fd < 0)
        continue;
      if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && (guint64) st.st_size >= indexed
          && st.st_ino != segment->ino
          && pread (fd, head, segment->n_head_bytes, 0) == (gssize) segment->n_head_bytes
          && memcmp (head, segment->head_bytes, segment->n_head_bytes) == 0)
        return fd;
      close (fd);
    }
  return -1;
}

static void
close_segment (TwLogSegment *segment,
               guint64       size)
{
  g_mutex_lock (&segment->lock);
  segment->closed = TRUE;
  if (size > segment->tail.end)
    segment->cut_end = size;
  g_mutex_unlock (&segment->lock);
}

void
_tw_log_source_follow_file (TwLogSource  *self,
                            GCancellable *cancellable)
{
  TwLogSegment *current;
  g_autofree char *want = _tw_log_expand_today (self->path);
  g_autofree char *problem = NULL;
  struct stat st, path_st;
  gboolean path_exists;
  guint64 previous_size;

  g_mutex_lock (&self->lock);
  current = self->segments->len > 0 ? g_ptr_array_index (self->segments, self->segments->len - 1) : NULL;
  previous_size = self->last_size;
  g_mutex_unlock (&self->lock);

  path_exists = g_stat (want, &path_st) == 0;

  if (current != NULL && !current->closed && current->fd >= 0 && fstat (current->fd, &st) == 0)
    {
      guint64 size = st.st_size;

      if (size < current->tail.end && path_exists && path_st.st_ino == current->ino)
        {
          /* Copy-truncate: the lines shown are in a copy now, or gone. */
          int copy = find_copy (current, current->tail.end);

          g_mutex_lock (&current->lock);
          if (copy >= 0)
            {
              struct stat copy_st;

              close (current->fd);
              current->fd = copy;
              if (fstat (copy, &copy_st) == 0 && (guint64) copy_st.st_size > current->tail.end)
                current->cut_end = copy_st.st_size;
            }
          else
            {
              current->lost = TRUE;
              if (previous_size > current->tail.end)
                current->cut_end = previous_size;
            }
          current->closed = TRUE;
          g_mutex_unlock (&current->lock);
          current = NULL;  /* the same path again, from its start */
        }
      else
        {
          if (size > current->tail.end)
            _tw_log_segment_index (current, &current->tail, current->tail.end, size, cancellable);
          g_mutex_lock (&self->lock);
          self->last_size = size;
          g_mutex_unlock (&self->lock);

          if (path_exists && (path_st.st_ino != current->ino || path_st.st_dev != current->dev
                              || !g_str_equal (current->path, want)))
            {
              /* Rename rotation (or the next day's file): the old one read to its end. */
              if (fstat (current->fd, &st) == 0 && (guint64) st.st_size > current->tail.end)
                {
                  _tw_log_segment_index (current, &current->tail, current->tail.end, st.st_size, cancellable);
                  size = st.st_size;
                }
              close_segment (current, size);
              current = NULL;
            }
          else if (!path_exists)
            problem = g_strdup_printf (_("%s has vanished: the lines read before are still shown."), want);
        }
    }

  if (current == NULL || current->closed)
    {
      TwLogSegment *segment = path_exists ? open_segment (want, &problem) : NULL;

      if (!path_exists && problem == NULL)
        problem = self->segments->len > 0
                  ? g_strdup_printf (_("%s has vanished: the lines read before are still shown."), want)
                  : g_strdup_printf (_("%s does not exist (yet): waiting for it."), want);
      if (segment != NULL)
        {
          g_mutex_lock (&self->lock);
          g_ptr_array_add (self->segments, segment);
          g_free (self->current_path);
          self->current_path = g_strdup (want);
          self->last_size = 0;
          g_mutex_unlock (&self->lock);
          index_new_segment (self, segment, FALSE, cancellable);
        }
    }
  _tw_log_source_post (self, TRUE, problem, -1);
}

void
_tw_log_source_open_file (TwLogSource  *self,
                          GCancellable *cancellable)
{
  g_autofree char *today = _tw_log_expand_today (self->path);
  g_autofree char *problem = NULL;
  g_autoptr(GPtrArray) earlier = NULL;
  g_autoptr(GPtrArray) earlier_segments = g_ptr_array_new ();
  TwLogSegment *segment;
  guint first;

  _tw_log_source_post (self, FALSE, NULL, TRUE);
  if (_tw_log_is_date_pattern (self->path))
    {
      earlier = _tw_log_list_earlier (self->path, today);
      first = earlier->len > TW_LOG_SOURCE_MAX_EARLIER ? earlier->len - TW_LOG_SOURCE_MAX_EARLIER : 0;
      g_mutex_lock (&self->lock);
      for (guint i = first; i < earlier->len; i++)
        {
          g_autofree char *ignored = NULL;
          TwLogSegment *old = open_segment (g_ptr_array_index (earlier, i), &ignored);

          if (old == NULL)
            continue;
          old->closed = TRUE;
          old->head_done = TRUE;
          g_ptr_array_add (self->segments, old);
          g_ptr_array_add (earlier_segments, old);
        }
      g_mutex_unlock (&self->lock);
    }

  segment = open_segment (today, &problem);
  if (segment != NULL)
    {
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->segments, segment);
      self->current_path = g_strdup (today);
      g_mutex_unlock (&self->lock);
      index_new_segment (self, segment, TRUE, cancellable);
    }
  _tw_log_source_post (self, TRUE, problem, -1);

  /* The earlier files, newest first: each appears above what is shown. */
  for (guint i = earlier_segments->len; i > 0; i--)
    {
      TwLogSegment *old = g_ptr_array_index (earlier_segments, i - 1);
      struct stat st;

      if (fstat (old->fd, &st) == 0)
        {
          _tw_log_segment_index (old, &old->tail, 0, st.st_size, cancellable);
          close_segment (old, st.st_size);
        }
      _tw_log_source_post (self, FALSE, NULL, -1);
    }
  _tw_log_source_post (self, FALSE, NULL, FALSE);
}
