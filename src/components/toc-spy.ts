/**
 * Marks the link of the section being read in a contents list (`aria-current="location"`): the
 * last section whose top has scrolled past the upper third of the window.
 */
export function spyContents(nav: HTMLElement): void {
	const links = [...nav.querySelectorAll<HTMLAnchorElement>('a[href^="#"]')];
	const sections = links.map((a) => document.getElementById(decodeURIComponent(a.hash.slice(1))));
	let frame = 0;
	const update = () => {
		frame = 0;
		const line = window.innerHeight / 3;
		let current = -1;
		sections.forEach((section, i) => {
			if (section && section.getBoundingClientRect().top <= line) current = i;
		});
		links.forEach((a, i) => (i === current ? a.setAttribute('aria-current', 'location') : a.removeAttribute('aria-current')));
	};
	addEventListener('scroll', () => (frame ||= requestAnimationFrame(update)), { passive: true });
	// In a frame, not now: measuring while the page is still being built would force a layout of all of it.
	frame = requestAnimationFrame(update);
}
