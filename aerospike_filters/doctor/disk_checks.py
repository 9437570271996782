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

"""Checks of the guests' local disk: tagged flavors that can have none."""

import shlex

from aerospike_filters.doctor import findings
from aerospike_filters import storage_request

#: The ephemeral disk doctor's fix gives a flavor that lacks a local disk.
DEFAULT_EPHEMERAL_GB = 10


def local_disk(context):
    """Tagged flavors whose guests can never have a local disk."""
    if not context.cloud:
        return []
    return flavors_without_local_disk(context.data, context.settings,
                                      context.tool_args)


def flavors_without_local_disk(data, settings, tool_args=''):
    """The findings of :func:`local_disk` on the flavors of ``data``.

    A flavor with no root disk (``disk`` 0: nova lets only admins boot
    such a flavor from an image), no ephemeral disk and no NVMe devices
    boots from a volume, which the filter refuses for tagged flavors.
    Flavors whose sizes the data lacks are not judged. ``flavor create``
    warns with it about the flavor it made.
    """
    found = []
    for flavor in data.get('flavors', []):
        if flavor.get('disk', 1) or flavor.get('ephemeral', 1):
            continue
        parsed = storage_request.parse_request(
            flavor.get('extra_specs', {}), settings.nvme_pci_aliases)
        if storage_request.no_local_disk(parsed, True, 0) is None:
            continue
        name = flavor['name']
        found.append(findings.Finding(
            findings.WARNING, "flavor '%s'" % name,
            'has no root disk, no ephemeral disk and no NVMe device: '
            'tenants can only boot it from a volume (nova lets only admins '
            'boot a zero-disk flavor from an image), and then its guest '
            'has no local disk, so the filter gives it no host; create a '
            'flavor with an ephemeral disk (an existing one\'s cannot '
            'change) and boot with it',
            findings.tool(
                'flavor create %s --storage %s --vcpus %d --ram %d --disk 0 '
                '--ephemeral %d' % (
                    shlex.quote(name + '.ephemeral'),
                    shlex.quote(storage_request.tier_value(parsed.requested)),
                    flavor.get('vcpus', 1), flavor.get('ram', 1024),
                    DEFAULT_EPHEMERAL_GB), tool_args)))
    return found
