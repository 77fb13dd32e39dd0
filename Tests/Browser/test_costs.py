"""The dashboard's Costs view (#/costs, docs/costs.md): spending per UTC day as an SVG bar chart,
the budgets with today's spending, and totals by agent and role, from a real hub whose shell
tasks report their model spending with `::flotilla-usage` lines."""

import datetime

from base import BrowserTestCase
from fleet import unique, wait_for

from test_dashboard import shell


def spending(usd):
    return shell("echo '::flotilla-usage {\"usd\":%s,\"input_tokens\":1000,\"output_tokens\":250}'; echo done" % usd)


class CostsViewTests(BrowserTestCase):
    def test_the_costs_view_shows_days_budgets_and_totals(self):
        api = self.fleet.api
        ids = [api.submit(id=unique("spend"), prompt="Summarise the logs", **spending(0.03))["id"] for _ in range(2)]
        for task_id in ids:
            wait_for("a spending task succeeds", lambda: api.state(task_id) == "succeeded", timeout=30)
        api.call("PUT", "/api/budgets", {"day": 0.1})
        self.page.sign_in(self.fleet.tokens["viewer"])
        self.page.open("#/costs")
        self.page.wait_view("costs")
        today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        bar = self.page.wait_css(f"svg.cost-chart rect.cost-bar[data-day='{today}']")
        self.assertGreater(float(bar.get_attribute("height")), 0, "today's bar has a height")
        self.assertEqual(len(self.page.css("svg.cost-chart rect.cost-bar")), 14, "one bar per day of the last 14")
        row = self.page.wait_css("table.cost-table[data-by='agent'] tr[data-key='web-dev']")
        self.assertIn("$0.06", row.text)
        self.assertIn("2000", row.text)
        budget = self.page.wait_css("table.budget-table tr[data-budget='Hub (day)']")
        self.assertIn("$0.10", budget.text)
        self.assertIn("$0.06", budget.text)
        self.shot("costs-totals")
        # Lowered below what was spent, the hub's day budget shows as spent.
        api.call("PUT", "/api/budgets", {"day": 0.05})
        self.driver.refresh()
        self.page.wait_view("costs")
        self.page.wait_css("table.budget-table tr[data-budget='Hub (day)'][data-over='true']")
