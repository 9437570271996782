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

"""NVMe controllers in ``/sys/bus/pci/devices`` and ``[pci] device_spec``.
"""

import collections
import fnmatch
import json
import os
import re

from aerospike_filters.probe import rootfs

PCI_DEVICES = '/sys/bus/pci/devices'
NVME_CLASS = '0x010802'

NvmeDevice = collections.namedtuple(
    'NvmeDevice', 'address vendor_id product_id driver passthrough')


class DeviceSpecError(ValueError):
    """A ``[pci] device_spec`` entry is not valid JSON."""


def _read(root, path):
    try:
        return rootfs.read_text(root, path).strip()
    except OSError:
        return ''


def _hex4(value):
    value = value.lower()
    return value[2:] if value.startswith('0x') else value


def parse_specs(lines):
    """The device_spec JSON entries (each a dict or a list of dicts)."""
    specs = []
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise DeviceSpecError('[pci] device_spec %r is not JSON: %s'
                                  % (line[:60], exc))
        specs.extend(value if isinstance(value, list) else [value])
    return specs


def _address_matches(pattern, address):
    domain, bus, slot_function = address.split(':')
    slot, function = slot_function.split('.')
    if isinstance(pattern, dict):
        parts = {'domain': domain, 'bus': bus, 'slot': slot,
                 'function': function}
        return all(re.fullmatch(str(regex), parts.get(key, ''))
                   for key, regex in pattern.items())
    pattern = str(pattern).lower()
    if pattern.count(':') == 1:
        pattern = '*:' + pattern
    if '.' not in pattern.rsplit(':', 1)[-1]:
        pattern += '.*'
    return fnmatch.fnmatchcase(address.lower(), pattern)


def matches(spec, vendor_id, product_id, address):
    """Whether a device_spec entry selects this device."""
    for key, value in (('vendor_id', vendor_id),
                       ('product_id', product_id)):
        wanted = spec.get(key)
        if wanted not in (None, '*') and _hex4(str(wanted)) != value:
            return False
    if 'address' in spec and not _address_matches(spec['address'], address):
        return False
    if 'devname' in spec:
        return False  # network interfaces, never NVMe drives
    return True


def nvme_devices(root, specs):
    """Every NVMe controller of the host, passthrough ones marked."""
    directory = rootfs.on_disk(root, rootfs.resolve(root, PCI_DEVICES))
    try:
        addresses = sorted(os.listdir(directory))
    except OSError:
        return []
    found = []
    for address in addresses:
        # sysfs entries are links into /sys/devices: resolved inside root.
        base = rootfs.resolve(root, '%s/%s' % (PCI_DEVICES, address))
        if _read(root, base + '/class').lower() != NVME_CLASS:
            continue
        vendor = _hex4(_read(root, base + '/vendor'))
        product = _hex4(_read(root, base + '/device'))
        link = rootfs.on_disk(root, base + '/driver')
        driver = (os.path.basename(os.readlink(link))
                  if os.path.islink(link) else None)
        passthrough = any(matches(spec, vendor, product, address)
                          for spec in specs)
        found.append(NvmeDevice(address, vendor, product, driver,
                                passthrough))
    return found
