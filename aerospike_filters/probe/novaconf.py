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

"""nova.conf as the probe needs it: the few options that decide storage.

Parsed with oslo.config's own INI parser (multi-valued options such as
``[pci] device_spec`` keep every line), files of a ``nova.conf.d``
directory read after nova.conf in name order, later values winning, as
nova reads ``--config-dir``.
"""

import glob
import os

from oslo_config import cfg
from oslo_utils import strutils

from aerospike_filters import conf
from aerospike_filters.probe import rootfs

DEFAULT_STATE_PATH = '/var/lib/nova'


class NovaConfError(ValueError):
    """nova.conf cannot be read or holds an unusable value."""


class BadOption(NovaConfError):
    """An option nova-compute would refuse; the message names the fix."""


class NovaConf:
    """The storage-related settings of one compute's nova.conf."""

    def __init__(self, sections, files):
        self._sections = sections
        self.files = files

    def get(self, section, key, default=None):
        values = self._sections.get(section, {}).get(key)
        return values[-1].strip() if values else default

    def get_all(self, section, key):
        return list(self._sections.get(section, {}).get(key, []))

    @property
    def images_type(self):
        return self.get('libvirt', 'images_type', 'default').lower()

    def _bool(self, key, default):
        value = self.get('DEFAULT', key, default)
        try:
            return strutils.bool_from_string(value, strict=True)
        except ValueError:
            raise BadOption('%s: [DEFAULT] %s = %r is not a boolean: set it '
                            'to True or False' % (self.files[-1], key, value))

    @property
    def use_cow_images(self):
        return self._bool('use_cow_images', 'true')

    @property
    def force_raw_images(self):
        return self._bool('force_raw_images', 'true')

    @property
    def preallocate_images(self):
        """'none' or 'space', compared as nova compares them."""
        value = self.get('DEFAULT', 'preallocate_images', 'none')
        slug = strutils.to_slug(value)
        if slug not in ('none', 'space'):
            raise BadOption('%s: [DEFAULT] preallocate_images = %r is not '
                            'none or space: set [DEFAULT] preallocate_images '
                            '= space' % (self.files[-1], value))
        return slug

    @property
    def instances_path(self):
        state = self.get('DEFAULT', 'state_path', DEFAULT_STATE_PATH)
        path = self.get('DEFAULT', 'instances_path', '$state_path/instances')
        return path.replace('${state_path}', state).replace(
            '$state_path', state)

    @property
    def host(self):
        return self.get('DEFAULT', 'host')

    @property
    def device_specs(self):
        """``[pci] device_spec`` (and the older passthrough_whitelist)."""
        return (self.get_all('pci', 'device_spec') +
                self.get_all('pci', 'passthrough_whitelist'))


def load(root, path, conf_dir=None):
    """Read nova.conf (and conf_dir/*.conf) as seen under ``root``.

    :raises NovaConfError: naming the file and the problem.
    """
    sections = {}
    files = [path]
    if conf_dir:
        real_dir = rootfs.on_disk(root, rootfs.resolve(root, conf_dir))
        if os.path.isdir(real_dir):
            files += [os.path.join(conf_dir, os.path.basename(f))
                      for f in sorted(glob.glob(os.path.join(real_dir,
                                                             '*.conf')))]
    for name in files:
        _merge(sections, _read_ini(root, name))
    return NovaConf(sections, files)


#: Multi-valued options: every line of every file counts.
MULTI_VALUED = ('device_spec', 'passthrough_whitelist')


def _read_ini(root, name):
    """One file's sections, parsed as oslo.config parses nova.conf."""
    try:
        real = rootfs.on_disk(root, rootfs.resolve(root, name))
        if os.path.isdir(real):
            raise NovaConfError('%s: is a directory, not a nova.conf' % name)
        parsed = {}
        cfg.ConfigParser(real, parsed).parse()
        return parsed
    except rootfs.RootError as exc:
        raise NovaConfError('%s: %s' % (name, exc))
    except OSError as exc:
        raise NovaConfError('%s: cannot read: %s'
                            % (name, exc.strerror or exc))
    except cfg.ParseError as exc:
        # Named as the host names it; never the line (it may be a secret).
        exc.filename = name
        raise NovaConfError(conf.ini_error(exc))


def _merge(sections, parsed):
    """Later files win, except multi-valued options, which accumulate."""
    for section, values in parsed.items():
        target = sections.setdefault(section, {})
        for key, value in values.items():
            if key in MULTI_VALUED:
                target.setdefault(key, []).extend(value)
            else:
                target[key] = value
