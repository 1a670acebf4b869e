-- uptime: load of the running nodes, folded by load — runs `uptime` through dust's persistent ssh
-- sessions (a drop-in command shipped with dust; see docs/lua.md).

-- "... load average: 0.52, 0.58, 0.59" (Linux, BSD "load averages:") → 0.52, 0.58, 0.59
local function loads(line)
  local a, b, c = line:match("load averages?:%s*([%d%.]+),?%s+([%d%.]+),?%s+([%d%.]+)")
  if a then return tonumber(a), tonumber(b), tonumber(c) end
end

-- " 12:01:02 up 3 days,  4:05,  2 users, ..." → "3 days, 4:05"
local function up(line)
  local u = line:match("up%s+(.-),%s+%d+%s+users?") or line:match("up%s+(.-),%s+load")
  return u and (u:gsub("%s+", " ")) or "?"
end

dust.command{
  name = "uptime",
  usage = "uptime [target]",
  summary = "load average of running nodes over ssh, nodes folded by load",
  help = "Runs `uptime` on each running node (persistent sessions, in parallel) and prints one line\n" ..
         "per 1-minute load (rounded to 0.1): the load, the 5/15-minute range, and the nodes.\n" ..
         "Nodes that fail are listed with the reason, nodes that are not running or still busy with\n" ..
         "another command (nothing is typed into it) are named. Exit status 1 if any running node\n" ..
         "failed or was busy.",
  target = "optional",
  run = function(args)
    local by_load, order, failed, stopped, busy = {}, {}, {}, {}, {}
    for _, r in ipairs(dust.run(args.target, "uptime")) do
      local one, five, fifteen = loads(table.concat(r.lines, " "))
      if r.state ~= "running" then
        stopped[r.state] = stopped[r.state] or {}
        table.insert(stopped[r.state], r.node)
      elseif r.busy then
        table.insert(busy, r.node)
      elseif r.exit == 0 and one then
        local key = string.format("%.1f", one)
        if not by_load[key] then
          by_load[key] = { nodes = {}, lo = five, hi = five, up = {} }
          table.insert(order, key)
        end
        local g = by_load[key]
        table.insert(g.nodes, r.node)
        for _, v in ipairs({ five, fifteen }) do
          if v < g.lo then g.lo = v end
          if v > g.hi then g.hi = v end
        end
        g.up[#g.up + 1] = up(r.lines[1] or "")
      else
        local why = r.error or (r.exit and ("exit " .. r.exit)) or "no load average in the output"
        failed[why] = failed[why] or {}
        table.insert(failed[why], r.node)
      end
    end
    table.sort(order, function(a, b) return tonumber(a) > tonumber(b) end)
    for _, key in ipairs(order) do
      local g = by_load[key]
      local up_text = #g.nodes == 1 and ("up " .. g.up[1]) or (#g.nodes .. " nodes")
      dust.print(string.format("load %-5s (5/15 min %.2f-%.2f)  %-28s %s", key, g.lo, g.hi,
                               dust.fold(g.nodes), up_text))
    end
    local status = 0
    for why, nodes in pairs(failed) do
      dust.print(string.format("failed: %s: %s", dust.fold(nodes), why))
      status = 1
    end
    if #busy > 0 then
      dust.print(string.format("busy: %s (a command is still running there; uptime not sent)", dust.fold(busy)))
      status = 1
    end
    -- As `@` does: nodes that are not running are named, not counted as failures.
    for state, nodes in pairs(stopped) do
      dust.print(string.format("not running: %s (%s)", dust.fold(nodes), state))
    end
    if #order == 0 and next(failed) == nil and #busy == 0 and next(stopped) == nil then
      dust.print("no nodes" .. (args.target ~= "" and (" match '" .. args.target .. "'") or ""))
      return 1
    end
    return status
  end,
}
