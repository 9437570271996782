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

"""nova.conf for tools that run nova's scheduler code outside nova.

Read with nova's own option definitions, so defaults, types and
multi-valued options behave as in nova-scheduler. Errors are
:class:`aerospike_filters.conf.ConfigError` naming the file or option.
"""

from oslo_config import cfg

from aerospike_filters import conf

CONF = cfg.CONF
#: nova's option groups the tools read from the scheduler's nova.conf.
SCHEDULER_GROUPS = ('filter_scheduler', 'pci', 'scheduler', 'metrics')


def scheduler_conf(paths):
    """The scheduler's options read from nova.conf files, on their own.

    A separate ConfigOpts with nova's definitions of SCHEDULER_GROUPS and
    this plugin's group; the global CONF is left alone.
    """
    from nova.conf import opts as nova_opts
    config = cfg.ConfigOpts()
    # Groups by name: an OptGroup object would share its state (overrides
    # included) with the global CONF that registered it first.
    for group, opts in nova_opts.list_opts():
        name = getattr(group, 'name', group)
        if name in SCHEDULER_GROUPS:
            config.register_opts(opts, group=name)
    config.register_opts(conf.aerospike_opts, group=conf.GROUP)
    return conf.load_files(config, paths)


def load_config(paths=()):
    """Make nova's global CONF hold the scheduler's settings from ``paths``.

    The filter and the weigher read the global CONF, as in nova-scheduler;
    the values of ``[aerospike_filters]`` and ``[pci] alias`` found in the
    files are applied to it as overrides.
    """
    import nova.conf  # noqa: F401  (registers nova's options on CONF)
    from nova.pci import request as pci_request

    if getattr(CONF, '_args', None) is None:
        CONF([], project='nova', default_config_files=[],
             default_config_dirs=[])
    if paths:
        loaded = scheduler_conf(paths)
        try:
            for opt in conf.aerospike_opts:
                CONF.set_override(opt.name, loaded[conf.GROUP][opt.name],
                                  conf.GROUP)
            CONF.set_override('alias', loaded.pci.alias, 'pci')
        except (cfg.Error, ValueError) as exc:
            raise conf.invalid_value(exc) from None
        pci_request.get_alias_from_config.cache_clear()
    conf.read_settings()
