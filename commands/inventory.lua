-- inventory: writes an Ansible INI inventory of the working set's running nodes (a drop-in command
-- shipped with dust; see docs/lua.md). The output file is remembered across runs in dust.state.

-- Ansible group names: letters, digits and underscores only (a tag key or value, which anyone with
-- ec2:CreateTags sets, never adds a line or a [section]).
local function group_name(s)
  return (s:gsub("[^A-Za-z0-9_]", "_"))
end

-- Ansible INI host names. Ansible splits a host line like a shell line (quotes, '#' comments, words
-- after the first are variables) and reads ranges ([1:3]) and a port (:22) in the first word, so a
-- label (a Name tag: anyone with ec2:CreateTags sets it) is used as it is only when made of letters,
-- digits, '.', '_' and '-'. Any other label, and one shared by several nodes, becomes
-- <label with the rest replaced by '_'>_<instance id>: never a variable or a group of its own.
local function host_name(label, id, shared)
  if not shared and label:match("^[A-Za-z0-9][A-Za-z0-9._-]*$") then return label end
  return (label:gsub("[^A-Za-z0-9._-]", "_")) .. "_" .. id
end

local function host_line(host, n)
  local line = string.format("%s ansible_host=%s ansible_user=%s", host, n.address, n.user)
  if n.port ~= 22 then line = line .. " ansible_port=" .. n.port end
  return line
end

local function render(nodes)
  local count = {}
  for _, n in ipairs(nodes) do count[n.label] = (count[n.label] or 0) + 1 end
  local hosts, groups, order, used = {}, {}, {}, {}
  local function add(group, host)
    if not groups[group] then groups[group] = {}; table.insert(order, group) end
    table.insert(groups[group], host)
  end
  for _, n in ipairs(nodes) do
    local host = host_name(n.label, n.id, count[n.label] > 1)
    -- Unique, even against a Name tag chosen to equal another node's host name.
    while used[host] do host = host .. "_" .. n.id end
    used[host] = true
    table.insert(hosts, host_line(host, n))
    if n.cluster and n.cluster ~= "" then add(group_name(n.cluster), host) end
    for k, v in pairs(n.tags) do
      if k:lower() ~= "name" then add(group_name("tag_" .. k .. "_" .. v), host) end
    end
  end
  table.sort(order)
  local out = { "# Ansible inventory written by dust inventory (" .. dust.region() .. ")", "[all]" }
  for _, h in ipairs(hosts) do table.insert(out, h) end
  for _, g in ipairs(order) do
    table.insert(out, "")
    table.insert(out, "[" .. g .. "]")
    table.sort(groups[g])
    for _, h in ipairs(groups[g]) do table.insert(out, h) end
  end
  return table.concat(out, "\n") .. "\n", #hosts, #order
end

-- Replace the file atomically: write a temporary beside it, then rename over it.
local function write_atomic(path, text)
  local tmp = path .. ".tmp"
  local f, err = io.open(tmp, "w")
  if not f then error("cannot write " .. path .. ": " .. err, 0) end
  f:write(text)
  f:close()
  local ok, rerr = os.rename(tmp, path)
  if not ok then os.remove(tmp); error("cannot write " .. path .. ": " .. rerr, 0) end
end

dust.command{
  name = "inventory",
  usage = "inventory [target] [file|-]",
  summary = "write an Ansible INI inventory of the running nodes (groups per cluster and tag)",
  help = "Hosts get ansible_host (the address dust's ssh uses) and ansible_user; groups are the\n" ..
         "cluster and tag_<key>_<value> for each tag. A host is named by its label when that is\n" ..
         "letters, digits, '.', '_' and '-', else <label with '_'>_<instance id>, so that no Name\n" ..
         "tag can add a variable, a host or a group. The file defaults to the one used last time\n" ..
         "(remembered in $DUST_HOME/state/inventory.json), else inventory.ini; '-' prints it.",
  target = "optional",
  max_args = 1,
  complete = {"nodes", "files"},
  run = function(args)
    local running, labels = {}, {}
    for _, n in ipairs(args.nodes) do
      if n.state == "running" and n.address ~= "" then
        table.insert(running, n)
        table.insert(labels, n.label)
      end
    end
    if #running == 0 then
      dust.print("no running nodes" .. (args.target ~= "" and (" match '" .. args.target .. "'") or ""))
      return 1
    end
    local text, nhosts, ngroups = render(running)
    local path = args.words[1] or dust.state.get("file") or "inventory.ini"
    if path == "-" then
      dust.print((text:gsub("\n$", "")))
      return 0
    end
    write_atomic(path, text)
    dust.state.set("file", path)
    dust.print(string.format("wrote %s: %d hosts, %d groups (%s)", path, nhosts, ngroups, dust.fold(labels)))
    return 0
  end,
}
