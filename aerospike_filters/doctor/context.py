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

"""The one argument of every doctor check, and what the checks share.

:class:`Context` holds what doctor read (the parsed arguments, the
scheduler's nova.conf, the cloud's data) and computes, once and only when a
check first asks, what several checks use: the plugin's settings, the
hosts nova's objects make of the data, where a flavor could go.
"""

import collections
import functools

from aerospike_filters import conf

HostsFor = collections.namedtuple('HostsFor', 'passing ineligible')
HostsFor.__doc__ = """Where a flavor could go: the hosts the filter passes
and nova could pick, and (host, why not) of those nova would not pick."""


class Context:
    """What doctor examines.

    :param args: doctor's parsed arguments (``config_file``).
    :param scheduler_conf: a ConfigOpts holding nova's scheduler options
        and this plugin's group, read from ``args.config_file``; None when
        no nova.conf was given.
    :param data: the cloud's data (a snapshot dict), or None (--no-cloud).
    :param tool_args: what points aerospike-filters at this cloud and
        nova.conf, appended to the fixes that run it.
    :param read_aliases: callable() -> the ``[pci] alias`` entries of the
        nova.conf files, as dicts (read only when the snapshot has none).
    """

    def __init__(self, args, scheduler_conf, data, tool_args='',
                 read_aliases=list):
        self.args = args
        self.scheduler_conf = scheduler_conf
        self.data = data
        self.tool_args = tool_args
        self._read_aliases = read_aliases

    @functools.cached_property
    def _settings_read(self):
        """(Settings or None, the ConfigError that prevented them)."""
        if self.scheduler_conf is None:
            return conf.read_settings(), None
        try:
            return conf.read_settings(self.scheduler_conf), None
        except conf.ConfigError as exc:
            return None, exc

    @property
    def settings(self):
        """The plugin's settings; None when nova.conf's values are bad."""
        return self._settings_read[0]

    @property
    def settings_error(self):
        """Why nova.conf's plugin options cannot be read, or None."""
        return self._settings_read[1]

    @property
    def cloud(self):
        """Whether the cloud checks run: data to check, settings to judge."""
        return self.data is not None and self.settings is not None

    @functools.cached_property
    def max_candidates(self):
        """The scheduler's ``[scheduler] max_placement_results``."""
        from aerospike_filters.whatif import nova_config
        return (self.scheduler_conf or nova_config.CONF
                ).scheduler.max_placement_results

    @functools.cached_property
    def aliases(self):
        """The [pci] alias entries: the snapshot's, else nova.conf's."""
        # A line that is no JSON object is a finding of its own.
        return self.data.get('pci_aliases') or self._read_aliases()

    @property
    def pci_known(self):
        """Whether the data holds the hosts' PCI devices.

        A live cloud has them only when nova reports them to placement.
        """
        return self.data.get('pci_in_placement', True)

    @functools.cached_property
    def carried(self):
        """The managed traits some host carries (empty when unknown)."""
        return {t for host in self.data['hosts']
                for t in host.get('traits', [])}

    @functools.cached_property
    def aggregates_of(self):
        """host name -> the aggregate dicts it is a member of."""
        members = collections.defaultdict(list)
        for agg in self.data.get('aggregates', []):
            for host in agg.get('hosts', []):
                members[host].append(agg)
        return members

    @functools.cached_property
    def host_states(self):
        """nova's HostStates of the data, as the scheduler would see them."""
        from aerospike_filters.whatif import replay
        return replay.host_states(self.data)

    def hosts_for(self, specs):
        """Where a flavor of these extra specs could go: :class:`HostsFor`.

        The real filter's answer over the cloud's hosts.
        """
        from aerospike_filters.whatif import replay
        try:
            rows = replay.explain(self.host_states,
                                  replay.request_spec(specs))
        except replay.RequestError:
            # nova cannot even build the request (an undefined PCI alias,
            # say): no host; config_checks.nvme_requests says why.
            return HostsFor([], [])
        return HostsFor(
            [r.host for r in rows if r.verdict == replay.PASS],
            [(r.host, r.ineligible)
             for r in rows if r.verdict == replay.INELIGIBLE])
