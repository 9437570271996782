#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""Paths under a root directory, resolved without ever leaving it.

The probe reads the host's files through ``--root`` (a container's view of
the host, or a test's fake tree). Symbolic links are followed by hand: an
absolute target is taken relative to the root and ``..`` stops at the
root, so no link, however crafted, makes the probe read outside it.
"""

import os

MAX_LINKS = 40


class RootError(ValueError):
    """A path cannot be resolved under the root."""


def resolve(root, path):
    """The host path ``path`` with every link resolved inside ``root``.

    Returns an absolute path as seen on the host (without the root
    prefix). Missing components are kept as they are (like ``realpath``).
    """
    parts = [p for p in path.split('/') if p not in ('', '.')]
    resolved = []
    links = 0
    while parts:
        part = parts.pop(0)
        if part == '..':
            if resolved:
                resolved.pop()
            continue
        candidate = resolved + [part]
        real = on_disk(root, '/' + '/'.join(candidate))
        if os.path.islink(real):
            links += 1
            if links > MAX_LINKS:
                raise RootError('too many symbolic links in %s' % path)
            target = os.readlink(real)
            if target.startswith('/'):
                resolved = []
            parts = [p for p in target.split('/') if p not in ('', '.')] + \
                parts
            continue
        resolved = candidate
    return '/' + '/'.join(resolved)


def on_disk(root, host_path):
    """Where a host path (already resolved) lies on this machine."""
    return os.path.join(root, host_path.lstrip('/')) if root != '/' \
        else host_path


def read_text(root, host_path):
    """The text of a host file, following links inside the root only."""
    with open(on_disk(root, resolve(root, host_path)), encoding='utf-8',
              errors='replace') as stream:
        return stream.read()
