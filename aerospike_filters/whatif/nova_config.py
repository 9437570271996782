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

import difflib

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


#: The groups whose every option doctor knows: the plugin's and nova's
#: scheduler namespaces. An unknown option there is a typo that leaves
#: the scheduler on a default.
CHECKED_GROUPS = (conf.GROUP, 'filter_scheduler', 'scheduler')


def _known_options():
    """{group: option names nova or the plugin reads there}, every group."""
    from nova.conf import opts as nova_opts
    known = {}
    for group, opts in list(nova_opts.list_opts()) + conf.list_opts():
        name = getattr(group, 'name', group)
        names = known.setdefault(name, set())
        for opt in opts:
            names.update((opt.name, opt.dest))
            names.update(d.name for d in opt.deprecated_opts
                         if d.name and d.group in (None, name))
    return known


def unknown_options(paths):
    """[(file, section, option or None, near-miss or None)] of the files.

    The files are read with oslo.config's own parser, as nova-scheduler
    reads them. A section nova and the plugin do not know is named when
    it is close to one they know (``[aerospike_filter]``); an option of
    CHECKED_GROUPS they do not know is named always, with the closest
    known option, if any.
    """
    known = _known_options()
    found = []
    for path in paths or ():
        sections = {}
        try:
            cfg.ConfigParser(path, sections).parse()
        except (cfg.Error, OSError, ValueError):
            continue  # load_files already said what is wrong with it
        for section, options in sections.items():
            if section == 'DEFAULT':
                continue
            if section not in known:
                near = difflib.get_close_matches(section, list(known), 1,
                                                 0.8)
                if near:
                    found.append((path, section, None, near[0]))
                continue
            if section not in CHECKED_GROUPS:
                continue
            for option in options:
                if option not in known[section]:
                    near = difflib.get_close_matches(
                        option, sorted(known[section]), 1, 0.75)
                    found.append((path, section, option,
                                  near[0] if near else None))
    return found
