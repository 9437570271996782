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

"""nova.conf for commands that run nova code outside nova's services."""

from oslo_config import cfg

from aerospike_filters.cmd import main
from aerospike_filters import conf as aerospike_conf

CONF = cfg.CONF
SCHEDULER_GROUPS = ('filter_scheduler', 'pci')


def scheduler_conf(paths):
    """The scheduler's options read from nova.conf files, on their own.

    A separate ConfigOpts with nova's own definitions of the
    ``[filter_scheduler]`` and ``[pci]`` options and this plugin's group:
    defaults, types and multi-valued options behave as in nova-scheduler,
    and the global CONF is left alone. A bad file or value is a UserError.
    """
    from nova.conf import opts as nova_opts
    conf = cfg.ConfigOpts()
    # Groups by name: an OptGroup object would share its state (overrides
    # included) with the global CONF that registered it first.
    for group, opts in nova_opts.list_opts():
        name = getattr(group, 'name', group)
        if name in SCHEDULER_GROUPS:
            conf.register_opts(opts, group=name)
    conf.register_opts(aerospike_conf.aerospike_opts,
                       group=aerospike_conf.GROUP)
    args = []
    for path in paths:
        args += ['--config-file', path]
    try:
        conf(args, project='nova', default_config_files=[],
             default_config_dirs=[])
    except cfg.Error as exc:
        raise main.UserError(str(exc).splitlines()[0])
    return conf


def load_config(paths=()):
    """Make nova's global CONF hold the scheduler's settings from ``paths``.

    The filter and the weigher read the global CONF, as in nova-scheduler;
    the values of ``[aerospike_filters]`` and ``[pci] alias`` found in the
    files are applied to it as overrides. A bad value is a UserError naming
    the option.
    """
    import nova.conf  # noqa: F401  (registers nova's options on CONF)
    from nova.pci import request as pci_request

    from aerospike_filters.scheduler import evaluation
    if getattr(CONF, '_args', None) is None:
        CONF([], project='nova', default_config_files=[],
             default_config_dirs=[])
    if paths:
        loaded = scheduler_conf(paths)
        try:
            for opt in aerospike_conf.aerospike_opts:
                CONF.set_override(
                    opt.name, loaded[aerospike_conf.GROUP][opt.name],
                    aerospike_conf.GROUP)
            CONF.set_override('alias', loaded.pci.alias, 'pci')
        except (cfg.Error, ValueError) as exc:
            raise main.UserError('[%s] %s' % (aerospike_conf.GROUP,
                                              str(exc).splitlines()[0]))
        pci_request.get_alias_from_config.cache_clear()
    try:
        evaluation.read_settings()
    except evaluation.ConfigError as exc:
        raise main.UserError(str(exc))
